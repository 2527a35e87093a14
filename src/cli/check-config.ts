import type { Command } from 'commander';
import { resolvedListenClashProblems } from '../config/listen-clash.js';
import { parseConfig, readConfigText } from '../config/load.js';
import { sameSensorTwiceWarnings } from '../config/same-sensor.js';
import { allConfigProblems } from '../config/validate.js';
import { action, EXIT_OK, EXIT_USAGE } from './common.js';
import { noAlertSinkWarning } from './run-sinks.js';

/**
 * `exfilwatch check-config FILE`: every problem, one line each with its key path, on stdout (so it can be
 * piped); exit 2 when there is any, else "ok" and exit 0. Unreadable or non-YAML files are one problem. A
 * valid file `run` would refuse without a sink from its flags or environment gets a warning on stderr, as does
 * one reading a sensor's stream by two source types (config/same-sensor.ts).
 */
export function registerCheckConfigCommand(program: Command): void {
  program
    .command('check-config')
    .description('Validate a config file and print every problem with its key path')
    .argument('<file>', 'YAML config file')
    .action(
      action(async (file: string) => {
        const raw = readConfigText(file, null);
        const problems = allConfigProblems(raw);
        problems.push(...(await resolvedListenClashProblems(raw)));
        if (problems.length === 0) {
          // Valid, but `run` may still refuse it for want of a sink, depending on its flags and environment.
          const config = parseConfig(raw);
          const warnings = [noAlertSinkWarning(config), ...sameSensorTwiceWarnings(config)];
          for (const w of warnings) if (w !== null) process.stderr.write(`exfilwatch: ${file}: warning: ${w}\n`);
          process.stdout.write('ok\n');
          return EXIT_OK;
        }
        for (const p of problems) process.stdout.write(`${p.keyPath}: ${p.message}\n`);
        process.stderr.write(`exfilwatch: ${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`);
        return EXIT_USAGE;
      }),
    );
}
