#!/usr/bin/env node
/**
 * exfilwatch's entry (package.json `bin`). It holds SIGTERM/SIGINT before anything is loaded (early-signals.ts
 * says why), then loads the command line (program.ts) by a dynamic import: a static one would be loaded, with
 * commander and what the commands share, before this module's first line runs.
 */
import { holdEarlySignals, releaseEarlySignals } from './early-signals.js';

holdEarlySignals();
const { runProgram } = await import('./program.js');
await runProgram(process.argv);
releaseEarlySignals();
