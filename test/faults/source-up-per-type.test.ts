/**
 * Two sources of one type (`--tetragon` is repeatable: two agents, or an agent and its TCP listener) share
 * the `source` label of exfilwatch_source_up, since no label may hold an address. The gauge must then say
 * 0 while either of them is down: `exfilwatch_source_up == 0` is the shipped alert for a blind node, and
 * /readyz (every source connected) already says so. It used to hold whichever source changed last.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTetragonReplayServer } from '../../src/sensors-sim/tetragon-replay-server.js';
import { startDaemon, tempDir, waitFor } from './helpers/daemon.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('exfilwatch_source_up with two sources of one type (real daemon process)', () => {
  it('is 0 while one of two Tetragon agents is missing, 1 once both are connected, 0 again when one goes', async () => {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const sockA = join(dir, 'a.sock');
    const sockB = join(dir, 'b.sock');
    const agentA = await startTetragonReplayServer({ address: `unix://${sockA}`, events: [] });
    cleanups.push(() => agentA.close());
    const d = await startDaemon(
      {
        sources: { tetragonGrpc: [{ address: `unix://${sockA}` }, { address: `unix://${sockB}` }] },
        sinks: { stdout: { enabled: true } },
        correlator: { destinations: { dnsRefreshMs: 0 } },
      },
      { dir },
    );
    cleanups.push(() => d.dispose());
    const up = { source: 'tetragon-grpc' };

    // A connects; B's socket does not exist: the node is half blind.
    await waitFor(() => agentA.activeStreams > 0, 'the stream to agent A');
    await d.waitForLog((l) => typeof l.msg === 'string' && l.msg.includes('socket path does not exist'));
    await new Promise((r) => setTimeout(r, 500)); // past the 250 ms a quiet stream takes to count as up
    expect((await fetch(`${d.base}/readyz`)).status).toBe(503);
    expect(await d.metric('exfilwatch_source_up', up)).toBe(0);

    // B appears: both up.
    const agentB = await startTetragonReplayServer({ address: `unix://${sockB}`, events: [] });
    cleanups.push(() => agentB.close());
    await d.waitForMetric('exfilwatch_source_up', up, (v) => v === 1);
    expect((await fetch(`${d.base}/readyz`)).status).toBe(200);

    // B goes, then A reconnects after a restart of its own: still 0 while B is away.
    await agentB.close();
    await d.waitForMetric('exfilwatch_source_up', up, (v) => v === 0);
    await agentA.close();
    const agentA2 = await startTetragonReplayServer({ address: `unix://${sockA}`, events: [] });
    cleanups.push(() => agentA2.close());
    await d.waitForMetric('exfilwatch_source_reconnects_total', up, (v) => v >= 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(await d.metric('exfilwatch_source_up', up)).toBe(0);
    expect((await fetch(`${d.base}/readyz`)).status).toBe(503);
  });
});
