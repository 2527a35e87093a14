/** The falco sources wired through the real app (createApp, events mode): config → receiver → events out. */
import { afterEach, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../../src/app.js';
import { buildConfigSchema } from '../../../src/config/schema.js';
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import { createFalcoHttpPoster } from '../../../src/sensors-sim/falco-http-poster.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { connectAlert, execAlert, fixtureObjects, readAlert } from '../../fixtures/falco/events.js';
import { deps, freePort } from './harness.js';

let app: App | null = null;
afterEach(async () => {
  await app?.stop();
  app = null;
});

describe('falco-http through createApp (events mode)', () => {
  it('config sources.falcoHttp → receiver → normalized events handed to onEvents; ready once listening', async () => {
    const port = await freePort();
    const config = buildConfigSchema().parse({ sources: { falcoHttp: [{ listen: `127.0.0.1:${port}` }] } });
    const seen: NormalizedEvent[] = [];
    app = createApp(config, deps(createMetrics()), { mode: 'events', onEvents: (b) => seen.push(...b) });
    await app.start();
    const deadline = Date.now() + 5000;
    while (!app.ready() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(app.sources()).toEqual([{ id: `falco-http 127.0.0.1:${port}`, type: 'falco-http', up: true }]);
    const poster = createFalcoHttpPoster({ url: `http://127.0.0.1:${port}/` });
    try {
      const bodies = [
        ...fixtureObjects('docs_channels_terminal_shell.json'),
        execAlert(),
        readAlert('/src/a', 10),
        connectAlert(),
      ];
      expect((await poster.postAll(bodies)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
    } finally {
      poster.close();
    }
    while (seen.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(seen.map((e) => e.kind)).toEqual(['exec', 'exec', 'file', 'net']);
    expect(seen.every((e) => e.source === 'falco')).toBe(true);
  });
});
