/**
 * A falco-http receiver listens (and answers 200) during the app's start-up warm-up (EventSource.pushedTo):
 * Falco's http_output does not retry a refused post, so a port opened only after the warm-up would lose that
 * second's alerts. What it takes is correlated once the warm-up is over. An app stopped meanwhile
 * (a pod deleted as it starts) must still correlate what it took, and its stop must not return before that,
 * nor correlate after it. A source that fails to listen still fails the start with its own error.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.js';
import { parseConfig } from '../../../src/config/load.js';
import { createFalcoHttpSource, falcoHttpConfigSchema } from '../../../src/sources/falco-http/index.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { execAlert } from '../../fixtures/falco/events.js';
import { collectSink } from '../../helpers/collect-sink.js';
import { until } from '../../helpers/until.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

function falcoApp(listen: string, warmUpMs: number, pipeline: Record<string, unknown> = {}) {
  const logLines: Array<Record<string, unknown>> = [];
  const logger = createLogger('info', { write: (line: string) => void logLines.push(JSON.parse(line)) });
  const deps = { logger, metrics: createMetrics(), clock: { now: () => Date.now() }, node: 'node-a' };
  const source = createFalcoHttpSource(falcoHttpConfigSchema.parse({ listen }), deps);
  const { sink } = collectSink();
  const app = createApp(parseConfig({ pipeline: { warmUpMs, ...pipeline } }), deps, {
    sources: [source],
    extraSinks: [sink],
    live: true,
    helperThreadNice: 0,
  });
  return { app, source, logLines, metrics: deps.metrics };
}

/** One Falco exec alert POSTed as http_output does. */
function postExec(port: number): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: execAlert(),
  });
}

describe('falco-http during the start-up warm-up', () => {
  it('answers a post while the warm-up runs, and correlates it after', async () => {
    const { app, source, logLines } = falcoApp('127.0.0.1:0', 1500);
    let startDone = false;
    const starting = app.start().then(() => {
      startDone = true;
    });
    closers.push(async () => {
      await starting;
      await app.stop();
    });
    const { port } = await source.listening;
    expect((await postExec(port)).status).toBe(200);
    // Answered before the warm-up was over: the start had not returned, no warm-up line logged yet.
    expect(startDone).toBe(false);
    expect(logLines.some((l) => l.msg === 'hot code warmed up before the sources connect')).toBe(false);
    await starting;
    expect(logLines.find((l) => l.msg === 'hot code warmed up before the sources connect')).toMatchObject({
      streams: ['falco'],
    });
    await until(() => app.stats().events >= 1);
    expect(app.stats()).toMatchObject({ events: 1, trackedContainers: 1 });
  });

  it('a full event queue meanwhile answers 503 and counts the drop, as when running (nothing drains it yet)', async () => {
    const { app, source, metrics } = falcoApp('127.0.0.1:0', 1500, { eventQueueCapacity: 1 });
    const starting = app.start();
    closers.push(async () => {
      await starting;
      await app.stop();
    });
    const { port } = await source.listening;
    expect((await postExec(port)).status).toBe(200);
    const refused = await postExec(port);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ accepted: 0, dropped: 1 });
    const dropped = await metrics.eventsDropped.get();
    expect(dropped.values.find((v) => v.labels.reason === 'queue_full')?.value).toBe(1);
    await starting;
    await until(() => app.stats().events >= 1);
    // The one taken is correlated after the warm-up; the drop is a gap marker, not an event.
    expect(app.stats()).toMatchObject({ trackedContainers: 1 });
  });

  it('a stop during the warm-up correlates what the receiver took before it returns', async () => {
    const { app, source, logLines } = falcoApp('127.0.0.1:0', 3000);
    const starting = app.start();
    const { port } = await source.listening;
    expect((await postExec(port)).status).toBe(200);
    await app.stop();
    // Answered 200, so taken: correlated by the time the stop is over, not after it (or never).
    expect(app.stats()).toMatchObject({ events: 1 });
    await starting;
    expect(logLines.filter((l) => l.msg === 'hot code warmed up before the sources connect')).toHaveLength(1);
  });

  it('a source that cannot listen (EADDRINUSE) still fails the start with its own error', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const { port } = taken.address() as net.AddressInfo;
    const { app, logLines } = falcoApp(`127.0.0.1:${port}`, 1000);
    closers.push(() => app.stop());
    // Its run rejects before the warm-up is over (it listens first): recorded at once, thrown by start().
    await expect(app.start()).rejects.toThrow(/in use/i);
    expect(logLines.filter((l) => l.msg === 'source stopped')).toHaveLength(1);
  });
});
