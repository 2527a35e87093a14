import type { Command } from 'commander';
import { action, EXIT_RUNTIME } from './common.js';

/** PLACEHOLDER: `exfilwatch demo` lands with its issue. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('(not implemented yet)')
    .allowUnknownOption()
    .action(
      action(async () => {
        process.stderr.write('exfilwatch: demo is not implemented yet\n');
        return EXIT_RUNTIME;
      }),
    );
}
