#!/usr/bin/env node
// Entry point for `npx ordinal`: loads the TypeScript CLI through tsx (no build step). Before
// `npm ci` a package is missing: that is one line of cause and one of fix (exit 2), not a stack.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package named by an ERR_MODULE_NOT_FOUND for a bare specifier ("Cannot find package 'tsx' …"). */
function missingPackage(err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND') return undefined;
  return /Cannot find package '([^']+)'/.exec(String(err.message))?.[1];
}

async function load(specifier) {
  try {
    return await import(specifier);
  } catch (err) {
    const pkg = missingPackage(err);
    if (!pkg) throw err;
    const projectDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
    process.stderr.write(`error: ordinal's dependencies are not installed (node_modules/${pkg} is missing)\n  fix: run \`npm ci\` in ${projectDir} first\n`);
    process.exit(2);
  }
}

(await load('tsx/esm/api')).register();
await load('../harness/cli/main.ts');
