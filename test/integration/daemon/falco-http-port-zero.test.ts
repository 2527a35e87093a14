/**
 * `--falco-http HOST:0` and `sources.falcoHttp[].listen: HOST:0` are the same thing: an ephemeral port,
 * which the receiver's "listening" log line names (the flag used to be refused while the file took it).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFalcoHttpPoster } from '../../../src/sensors-sim/falco-http-poster.js';
import { execAlert } from '../../fixtures/falco/events.js';
import { startCli, stopChild } from './cli-process.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const RUN = ['--metrics-addr', '127.0.0.1:0', '--alerts-stdout', '--log-level', 'info'];

/** Starts `run ARGS`, waits for the receiver's log line, and checks a Falco POST to the port it names is taken. */
async function boundPort(args: string[]): Promise<number> {
  const run = startCli(['run', ...args, ...RUN]);
  cleanups.push(() => stopChild(run));
  const line = await run.waitForLog((l) => l.msg === 'falco-http receiver listening');
  const m = /^127\.0\.0\.1:(\d+)$/.exec(String(line.listen));
  expect(m, JSON.stringify(line)).not.toBeNull();
  const port = Number(m![1]);
  expect(port).toBeGreaterThan(0);
  const poster = createFalcoHttpPoster({ url: `http://127.0.0.1:${port}/` });
  try {
    expect((await poster.postAll([execAlert()])).map((r) => r.status)).toEqual([200]);
  } finally {
    poster.close();
  }
  return port;
}

describe('falco-http on port 0 (process)', () => {
  it('--falco-http 127.0.0.1:0 binds an ephemeral port and logs which, as the config file does', async () => {
    await boundPort(['--falco-http', '127.0.0.1:0']);

    const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-falco-port0-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const config = join(dir, 'config.yaml');
    writeFileSync(config, 'sources:\n  falcoHttp:\n    - listen: 127.0.0.1:0\n');
    await boundPort(['--config', config]);
  });
});
