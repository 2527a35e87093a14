/**
 * A loopback TCP proxy that can freeze a link (bytes held, connection open: a hung peer the client cannot
 * tell from a slow one) and thaw it again. For broker faults that stopping the server cannot make.
 */
import { createConnection, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  readonly url: string;
  /** Hold every byte in both directions; connections stay open. */
  freeze(): void;
  /** Deliver what was held and forward again. */
  thaw(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(upstreamPort: number, scheme = 'nats'): Promise<TcpProxy> {
  let frozen = false;
  const pairs = new Set<{ a: Socket; b: Socket; heldAB: Buffer[]; heldBA: Buffer[] }>();
  const server = createServer((a) => {
    const b = createConnection({ host: '127.0.0.1', port: upstreamPort });
    const pair = { a, b, heldAB: [] as Buffer[], heldBA: [] as Buffer[] };
    pairs.add(pair);
    a.on('data', (d: Buffer) => (frozen ? pair.heldAB.push(d) : b.write(d)));
    b.on('data', (d: Buffer) => (frozen ? pair.heldBA.push(d) : a.write(d)));
    const end = () => {
      pairs.delete(pair);
      a.destroy();
      b.destroy();
    };
    a.on('close', end);
    b.on('close', end);
    a.on('error', end);
    b.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    freeze() {
      frozen = true;
    },
    thaw() {
      frozen = false;
      for (const p of pairs) {
        for (const d of p.heldAB.splice(0)) p.b.write(d);
        for (const d of p.heldBA.splice(0)) p.a.write(d);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const p of pairs) {
          p.a.destroy();
          p.b.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
