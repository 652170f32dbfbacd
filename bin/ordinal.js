#!/usr/bin/env node
// Entry point for `npx ordinal`: loads the TypeScript CLI through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../harness/cli/main.ts');
