/** The runtime half of `falco-http`: no schema here, so the daemon's module graph never loads zod. */
import type { EventSource, SourceDeps, SourceFactory } from '../types.js';
import type { FalcoHttpConfig } from './config.js';
import { type ReceiverHandle, startReceiver } from './receiver.js';

export interface FalcoHttpSource extends EventSource {
  /** Resolves with the bound address once listening (port 0 → the real port); for tests and logs. */
  readonly listening: Promise<{ address: string; port: number }>;
}

export function createFalcoHttpSource(config: FalcoHttpConfig, deps: SourceDeps): FalcoHttpSource {
  let resolveListening!: (a: { address: string; port: number }) => void;
  const listening = new Promise<{ address: string; port: number }>((resolve) => {
    resolveListening = resolve;
  });
  return {
    id: `falco-http ${config.listen}`,
    type: 'falco-http',
    listening,
    // Bound to its port: the app's start waits for this (or for run to reject, EADDRINUSE…).
    started: listening.then(() => undefined),
    pushedTo: true,
    // The warm-up's Falco stream runs through the receiver's body ingest too (src/warm-up/falco-stream.ts).
    warmUpStream: 'falco',
    async run(out, signal) {
      if (signal.aborted) return;
      const handle: ReceiverHandle = await startReceiver(config, deps, out);
      const { address, port } = handle.address;
      const scheme = config.tls ? 'https' : 'http';
      // An IPv6 address in brackets (`listenAddress: ::`, docs/deploy.md): "http://:::2801" is no URL, and
      // the same HOST:PORT form as the config and the flag.
      const hostPort = `${address.includes(':') ? `[${address}]` : address}:${port}`;
      deps.logger.info({ source: 'falco-http', listen: hostPort, scheme }, 'falco-http receiver listening');
      // A receiver is "up" while it listens: /readyz and exfilwatch_source_up reflect that.
      out.connection(true, `listening on ${scheme}://${hostPort}`);
      resolveListening({ address, port });
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await handle.close();
    },
  };
}

export const falcoHttpFactory: SourceFactory<FalcoHttpConfig> = {
  type: 'falco-http',
  configKey: 'falcoHttp',
  create: createFalcoHttpSource,
};
