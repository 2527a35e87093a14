/**
 * Load generator for the Falco receiver, shaped like Falco's http_output: one alert per POST, keep-alive,
 * one request in flight per connection (Falco's output worker waits for each answer). Several connections
 * stand for several Falco senders. Raw sockets with pre-built requests keep the generator's own cost low.
 *
 * Times are live, as Falco's are: each request's `evt.time` and `time` are overwritten in place (same width)
 * with the sending instant. The recorded workload spans minutes of event time sent in seconds, and months
 * before the wall clock the receiver's correlator advances on: replayed as recorded, every state it holds
 * is expired and rebuilt at each wall-clock sweep, a cost no live sensor causes. `--times recorded` keeps them.
 *
 * With --warm-seconds W it posts for W + S seconds and says `measuring` after the first W (the orchestrator
 * then starts the measured window: the row is the steady state, the first W seconds its cold start).
 *
 *   --port P --file falco.jsonl --connections K --seconds S [--warm-seconds W] [--times live|recorded]
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { childArgs, childMain, tell } from '../lib/child.js';

childMain(async () => {
  const args = childArgs();
  const port = Number(args.port);
  const seconds = Number(args.seconds);
  const warmSeconds = Number(args['warm-seconds'] ?? 0);
  const bodies = readFileSync(args.file!, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
  const live = (args.times ?? 'live') === 'live';
  const requests = bodies.map((b) => {
    const head =
      `POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: falcosecurity/falco\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(b)}\r\n\r\n`;
    const at = (needle: string, width: number, last: boolean) => {
      const i = last ? b.lastIndexOf(needle) : b.indexOf(needle);
      // Byte offsets (a body may hold multi-byte UTF-8 before the field); -1 when absent or not that width.
      const value = b.slice(i + needle.length, i + needle.length + width);
      return i < 0 || !/^[0-9T:.Z-]+$/.test(value) ? -1 : Buffer.byteLength(head + b.slice(0, i + needle.length));
    };
    return {
      bytes: Buffer.from(head + b),
      evtTimeAt: live ? at('"evt.time":', 19, false) : -1,
      timeAt: live ? at('"time":"', 30, true) : -1,
    };
  });
  const stamp = (r: (typeof requests)[number]) => {
    const nowMs = performance.timeOrigin + performance.now();
    const seconds = Math.floor(nowMs / 1000);
    const nanos = String(Math.floor((nowMs - seconds * 1000) * 1e6)).padStart(9, '0');
    if (r.evtTimeAt >= 0) r.bytes.write(`${seconds}${nanos}`, r.evtTimeAt, 'latin1');
    if (r.timeAt >= 0)
      r.bytes.write(`${new Date(seconds * 1000).toISOString().slice(0, 19)}.${nanos}Z`, r.timeAt, 'latin1');
    return r.bytes;
  };
  let next = 0;
  let sent = 0;
  let ok = 0;
  let failed = 0;
  const deadline = performance.now() + (warmSeconds + seconds) * 1000;
  tell({ type: 'started' });
  setTimeout(() => tell({ type: 'measuring' }), warmSeconds * 1000);

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
        socket.write(stamp(requests[next++ % requests.length]!));
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
  tell({ type: 'result', sent, ok, failed, seconds, warmSeconds });
});
