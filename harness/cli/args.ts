// Argument parsing for every subcommand: node's util.parseArgs, strict, with one-line errors.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError } from '../errors.ts';

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parse<O extends Options>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' } as const, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0]!.replace(/\. To specify a positional.*$/, '');
    throw new InputError(msg, `see \`${usage}\``);
  }
}

export function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/** Checks that a --focus/--skip value is a JavaScript regular expression; one line of cause and fix if not. */
export function requireRegExp(flag: string, value: string | undefined): void {
  if (value === undefined) return;
  try {
    new RegExp(value);
  } catch (err) {
    throw new InputError(`--${flag} "${value}" is not a regular expression (${(err as Error).message})`, `write a JavaScript regular expression over check ids, e.g. --${flag} 'identity/(pod-names|hostname)'`);
  }
}
