import type { Command } from 'commander';
import { readConfigText } from '../config/load.js';
import { allConfigProblems } from '../config/validate.js';
import { action, EXIT_OK, EXIT_USAGE } from './common.js';

/**
 * `exfilwatch check-config FILE`: every problem, one line each with its key path, on stdout (so it can be
 * piped); exit 2 when there is any, else "ok" and exit 0. Unreadable or non-YAML files are one problem.
 */
export function registerCheckConfigCommand(program: Command): void {
  program
    .command('check-config')
    .description('Validate a config file and print every problem with its key path')
    .argument('<file>', 'YAML config file')
    .action(
      action(async (file: string) => {
        const problems = allConfigProblems(readConfigText(file, null));
        if (problems.length === 0) {
          process.stdout.write('ok\n');
          return EXIT_OK;
        }
        for (const p of problems) process.stdout.write(`${p.keyPath}: ${p.message}\n`);
        process.stderr.write(`exfilwatch: ${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`);
        return EXIT_USAGE;
      }),
    );
}
