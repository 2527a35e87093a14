/**
 * The receiver's start-up log names where it listens as HOST:PORT and as a URL a user can paste into
 * Falco's http_output.url or curl: an IPv6 address (the chart's `listenAddress: ::`) goes in brackets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createFalcoHttpSource, falcoHttpConfigSchema } from '../../../src/sources/falco-http/index.js';
import { until } from '../../helpers/until.js';
import { runSource } from './harness.js';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

async function startLogs(listen: string) {
  const logs: Array<Record<string, unknown>> = [];
  const cfg = falcoHttpConfigSchema.parse({ listen });
  const h = runSource((d) => createFalcoHttpSource(cfg, d), { logs });
  stops.push(() => h.stop());
  const { port } = await (h.source as ReturnType<typeof createFalcoHttpSource>).listening;
  await until(() => logs.some((l) => l.msg === 'source connected'));
  return { logs, port };
}

describe('falco-http listen address in its logs', () => {
  it.each([
    ['127.0.0.1:0', '127.0.0.1'],
    ['[::1]:0', '[::1]'],
  ])('%s → %s in HOST:PORT and the URL', async (listen, host) => {
    const { logs, port } = await startLogs(listen);
    expect(logs.find((l) => l.msg === 'falco-http receiver listening')?.listen).toBe(`${host}:${port}`);
    expect(logs.find((l) => l.msg === 'source connected')?.detail).toBe(`listening on http://${host}:${port}`);
  });
});
