// `ordinal` command line: dispatches subcommands, turns errors into one-line causes with fixes.
import { describeForUser } from '../errors.ts';
import { imagesCommand } from './images.ts';

const USAGE = `ordinal — conformance suite for stateful workloads on Kubernetes

usage: npx ordinal <command> [options]     (each command takes --help)

  images build|list                build or list the images ordinal needs (no registry required)
`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  images: imagesCommand,
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    console.log(USAGE);
    return cmd ? 0 : 2;
  }
  const handler = COMMANDS[cmd];
  if (!handler) {
    console.error(`error: unknown command "${cmd}"\n  fix: run \`npx ordinal --help\` for the list of commands`);
    return 2;
  }
  return handler(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    const { text, exitCode } = describeForUser(err);
    console.error(text);
    if (process.env.ORDINAL_DEBUG && err instanceof Error) console.error(err.stack);
    process.exitCode = exitCode;
  },
);
