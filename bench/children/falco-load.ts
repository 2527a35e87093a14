/**
 * Load generator for the Falco receiver, shaped like Falco's http_output: one alert per POST, keep-alive,
 * one request in flight per connection (Falco's output worker waits for each answer). Several connections
 * stand for several Falco senders. Raw sockets with pre-built requests keep the generator's own cost low.
 *
 *   --port P --file falco.jsonl --connections K --seconds S
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { childArgs, childMain, tell } from '../lib/child.js';

childMain(async () => {
  const args = childArgs();
  const port = Number(args.port);
  const seconds = Number(args.seconds);
  const bodies = readFileSync(args.file!, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
  const requests = bodies.map((b) =>
    Buffer.from(
      `POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: falcosecurity/falco\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(b)}\r\n\r\n${b}`,
    ),
  );
  let next = 0;
  let sent = 0;
  let ok = 0;
  let failed = 0;
  const deadline = performance.now() + seconds * 1000;
  tell({ type: 'started' });

  const runConnection = () =>
    new Promise<void>((resolve, reject) => {
      const socket: Socket = connect({ port, host: '127.0.0.1' });
      socket.setNoDelay(true);
      let pending = '';
      const fire = () => {
        if (performance.now() >= deadline) {
          socket.end();
          resolve();
          return;
        }
        socket.write(requests[next++ % requests.length]!);
        sent++;
      };
      socket.on('connect', fire);
      socket.on('data', (chunk: Buffer) => {
        pending += chunk.toString('latin1');
        // One response per request: status line, headers, a body of content-length bytes.
        for (;;) {
          const headEnd = pending.indexOf('\r\n\r\n');
          if (headEnd < 0) return;
          const m = /content-length: (\d+)/i.exec(pending.slice(0, headEnd));
          const total = headEnd + 4 + (m ? Number(m[1]) : 0);
          if (pending.length < total) return;
          if (pending.startsWith('HTTP/1.1 200')) ok++;
          else failed++;
          pending = pending.slice(total);
          fire();
        }
      });
      socket.on('error', reject);
    });
  const connections = Number(args.connections ?? 4);
  await Promise.all(Array.from({ length: connections }, runConnection));
  tell({ type: 'result', sent, ok, failed, seconds });
});
