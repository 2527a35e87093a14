import type { Command } from 'commander';
import { action, EXIT_RUNTIME } from './common.js';

/** PLACEHOLDER: `exfilwatch run` lands with its issue. */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('(not implemented yet)')
    .allowUnknownOption()
    .action(
      action(async () => {
        process.stderr.write('exfilwatch: run is not implemented yet\n');
        return EXIT_RUNTIME;
      }),
    );
}
