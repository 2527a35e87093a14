/** exfilwatch command line (INTERFACES.md "Command line"): its commands, one module each. main.ts loads it. */
import { Command, CommanderError } from 'commander';
import { EXIT_USAGE } from './common.js';

type Register = (program: Command) => void;

/**
 * Each command's module, loaded only when that command runs. This is what keeps zod and the config schemas
 * out of `exfilwatch run`'s long-lived process (it validates its config in a child process:
 * src/cli/run-config-isolated.ts) while the other commands import them as ordinary modules. In the order
 * `--help` lists them.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  demo: async () => (await import('./demo.js')).registerDemoCommand,
  run: async () => (await import('./run.js')).registerRunCommand,
  scan: async () => (await import('./scan.js')).registerScanCommand,
  events: async () => (await import('./events.js')).registerEventsCommand,
  'check-config': async () => (await import('./check-config.js')).registerCheckConfigCommand,
};

/** Parses `argv` and runs the command it names (process.exitCode says how it went). */
export async function runProgram(argv: string[]): Promise<void> {
  const program = new Command('exfilwatch')
    .description('Detects data exfiltration from containers to code repositories and image registries (T1567.001).')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  // The command named on the command line alone; anything else (no command, --help, help, --version, a
  // misspelt command) gets every command, so help lists them all and commander can suggest the right one.
  const named = argv[2];
  const wanted = named !== undefined && Object.hasOwn(COMMANDS, named) ? [named] : Object.keys(COMMANDS);
  for (const register of await Promise.all(wanted.map((name) => COMMANDS[name]!()))) register(program);

  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; every other usage problem is exit 2 (commander already printed it).
      process.exitCode = err.exitCode === 0 ? 0 : EXIT_USAGE;
    } else {
      throw err;
    }
  }
}
