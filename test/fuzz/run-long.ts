/**
 * `npm run fuzz`: the fuzz targets and the flood for longer than the default suite allows.
 *
 *   npm run fuzz                       # 60 s per fuzz target, 60 s flood
 *   npm run fuzz -- --seconds 300      # 5 minutes per target (the flood stays at 60 s unless --flood N)
 *   npm run fuzz -- --flood 120 test/fuzz/grpc-stream.test.ts   # only some files
 *
 * It runs the same test files as `npm test` (test/fuzz/**, test/faults/flood.test.ts) with FUZZ_SECONDS
 * and FLOOD_SECONDS set, one file at a time so the targets do not compete for the two cores.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const take = (flag: string, fallback: number): number => {
  const i = args.indexOf(flag);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  args.splice(i, 2);
  if (!(v > 0)) {
    console.error(`${flag}: expected a positive number of seconds`);
    process.exit(2);
  }
  return v;
};
const seconds = take('--seconds', 60);
const flood = take('--flood', 60);
const files = args.length > 0 ? args : ['test/fuzz', 'test/faults/flood.test.ts'];
// Each test runs its targets one after the other; leave room for start-up and the accounting waits.
const timeoutMs = (3 * Math.max(seconds, flood) + 120) * 1000;

console.log(`fuzz: ${seconds} s per target, flood ${flood} s, files: ${files.join(' ')}`);
const run = spawnSync(
  process.execPath,
  [
    'node_modules/vitest/vitest.mjs',
    'run',
    ...files,
    '--maxWorkers=1',
    `--testTimeout=${timeoutMs}`,
    `--hookTimeout=${timeoutMs}`,
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FUZZ_SECONDS: String(seconds), FLOOD_SECONDS: String(flood) },
  },
);
process.exit(run.status ?? 1);
