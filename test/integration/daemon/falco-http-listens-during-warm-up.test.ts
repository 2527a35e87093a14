/**
 * A falco-http receiver listens before the app's start-up warm-up (EventSource.pushedTo): Falco's
 * http_output does not retry a refused post, so a receiver that opened its port only after the warm-up
 * would lose every alert of that second. What it takes meanwhile waits in the event queue and is
 * correlated once the warm-up is over.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.js';
import { parseConfig } from '../../../src/config/load.js';
import { createFalcoHttpSource, falcoHttpConfigSchema } from '../../../src/sources/falco-http/index.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { execAlert } from '../../fixtures/falco/events.js';
import { collectSink } from '../../helpers/collect-sink.js';
import { until } from '../../helpers/until.js';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

describe('falco-http during the start-up warm-up', () => {
  it('answers a post while the warm-up runs, and correlates it after', async () => {
    const logLines: Array<Record<string, unknown>> = [];
    const logger = createLogger('info', { write: (line: string) => void logLines.push(JSON.parse(line)) });
    const deps = { logger, metrics: createMetrics(), clock: { now: () => Date.now() }, node: 'node-a' };
    const source = createFalcoHttpSource(falcoHttpConfigSchema.parse({ listen: '127.0.0.1:0' }), deps);
    const { sink } = collectSink();
    const app = createApp(parseConfig({ pipeline: { warmUpMs: 1500 } }), deps, {
      sources: [source],
      extraSinks: [sink],
      live: true,
      helperThreadNice: 0,
    });
    let startDone = false;
    const starting = app.start().then(() => {
      startDone = true;
    });
    stops.push(async () => {
      await starting;
      await app.stop();
    });
    const { port } = await source.listening;
    const answer = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: execAlert(),
    });
    expect(answer.status).toBe(200);
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
    const metrics = createMetrics();
    const deps = { logger: createLogger('error'), metrics, clock: { now: () => Date.now() }, node: 'node-a' };
    const source = createFalcoHttpSource(falcoHttpConfigSchema.parse({ listen: '127.0.0.1:0' }), deps);
    const app = createApp(parseConfig({ pipeline: { warmUpMs: 1500, eventQueueCapacity: 1 } }), deps, {
      sources: [source],
      extraSinks: [collectSink().sink],
      live: true,
      helperThreadNice: 0,
    });
    const starting = app.start();
    stops.push(async () => {
      await starting;
      await app.stop();
    });
    const { port } = await source.listening;
    const post = () =>
      fetch(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: execAlert(),
      });
    expect((await post()).status).toBe(200);
    const refused = await post();
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ accepted: 0, dropped: 1 });
    const dropped = await metrics.eventsDropped.get();
    expect(dropped.values.find((v) => v.labels.reason === 'queue_full')?.value).toBe(1);
    await starting;
    await until(() => app.stats().events >= 1);
    // The one taken is correlated after the warm-up; the drop is a gap marker, not an event.
    expect(app.stats()).toMatchObject({ trackedContainers: 1 });
  });
});
