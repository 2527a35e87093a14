import type { Command } from 'commander';
import { action, EXIT_RUNTIME } from './common.js';

/** PLACEHOLDER: `exfilwatch scan` lands with its issue. */
export function registerScanCommand(program: Command): void {
  program
    .command('scan')
    .description('(not implemented yet)')
    .allowUnknownOption()
    .action(
      action(async () => {
        process.stderr.write('exfilwatch: scan is not implemented yet\n');
        return EXIT_RUNTIME;
      }),
    );
}
