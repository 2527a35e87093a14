#!/usr/bin/env node
/** exfilwatch command line (INTERFACES.md "Command line"). One module per command. */
import { Command, CommanderError } from 'commander';
import { registerCheckConfigCommand } from './check-config.js';
import { EXIT_USAGE } from './common.js';
import { registerDemoCommand } from './demo.js';
import { registerEventsCommand } from './events.js';
import { registerRunCommand } from './run.js';
import { registerScanCommand } from './scan.js';

const program = new Command('exfilwatch')
  .description('Detects data exfiltration from containers to code repositories and image registries (T1567.001).')
  .version('0.1.0')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

registerDemoCommand(program);
registerRunCommand(program);
registerScanCommand(program);
registerEventsCommand(program);
registerCheckConfigCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version exit 0; every other usage problem is exit 2 (commander already printed it).
    process.exitCode = err.exitCode === 0 ? 0 : EXIT_USAGE;
  } else {
    throw err;
  }
}
