/**
 * `demo --falco`: the replay goes through the real `falco-http` receiver, posted the way Falco's
 * http_output does it (one alert per POST on one keep-alive connection).
 */
import { createFalcoHttpPoster } from '../sensors-sim/falco-http-poster.js';
import { createFalcoHttpSource, falcoHttpConfigSchema } from '../sources/falco-http/index.js';
import type { SourceDeps } from '../sources/types.js';
import type { ReplayTransport } from './transport.js';

export function createFalcoTransport(deps: SourceDeps): ReplayTransport {
  const source = createFalcoHttpSource(falcoHttpConfigSchema.parse({ listen: '127.0.0.1:0' }), deps);
  let poster: ReturnType<typeof createFalcoHttpPoster> | null = null;
  let refused = 0;
  return {
    source,
    describe: () => 'Falco http_output → falco-http receiver',
    async ready() {
      const { address, port } = await source.listening;
      poster = createFalcoHttpPoster({ url: `http://${address}:${port}/` });
    },
    async send(batch) {
      if (!poster) throw new Error('falco transport used before ready()');
      for (const line of batch) {
        const res = await poster.post(line);
        if (res.status < 200 || res.status >= 300) refused++;
      }
    },
    refused: () => refused,
    async close() {
      poster?.close();
    },
  };
}
