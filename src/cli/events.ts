import type { Command } from 'commander';
import { action, EXIT_RUNTIME } from './common.js';

/** PLACEHOLDER: `exfilwatch events` lands with its issue. */
export function registerEventsCommand(program: Command): void {
  program
    .command('events')
    .description('(not implemented yet)')
    .allowUnknownOption()
    .action(
      action(async () => {
        process.stderr.write('exfilwatch: events is not implemented yet\n');
        return EXIT_RUNTIME;
      }),
    );
}
