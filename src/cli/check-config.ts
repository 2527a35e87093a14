import type { Command } from 'commander';
import { action, EXIT_RUNTIME } from './common.js';

/** PLACEHOLDER: `exfilwatch check-config` lands with its issue. */
export function registerCheckConfigCommand(program: Command): void {
  program
    .command('check-config')
    .description('(not implemented yet)')
    .allowUnknownOption()
    .action(
      action(async () => {
        process.stderr.write('exfilwatch: check-config is not implemented yet\n');
        return EXIT_RUNTIME;
      }),
    );
}
