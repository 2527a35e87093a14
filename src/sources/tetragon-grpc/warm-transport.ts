/**
 * The ingest worker's own warm-up (worker side): before its real GetEvents call, the worker receives a
 * synthetic stream through the same grpc-js client code over a real HTTP/2 connection, from a server it
 * runs itself on loopback for that one stream, and hands each message to the same `add` the real stream
 * uses (the caller discards the batches).
 *
 * Why: the worker starts with the real stream. Cold, its grpc-js receive path (HTTP/2 frames, the gRPC
 * message parser, stream plumbing) costs several times its steady CPU per message and makes V8's helper
 * threads compile it while the main thread is meeting its first real events; on 2 cores the three fought
 * for the CPU and the first second's events waited for it. Paced bench runs at 40k events/s, 4 alternated
 * pairs: whole-stream p99 125-171 ms (one 59) cold, 30-64 ms with a warm worker (docs/latency.md,
 * "A warm ingest worker").
 *
 * Bounded by a message count and a time budget; it never fails the worker: any problem (no loopback, a
 * port refused) ends it early and is reported back as `problem`.
 */
import { createServer, type Http2Session, type ServerHttp2Stream } from 'node:http2';
import { type ChannelOptions, Client, credentials } from '@grpc/grpc-js';

export interface WarmTransportOptions {
  /** gRPC length-prefixed frames (`[0][u32 length][message]…`), sent over and over. */
  frames: Uint8Array;
  /** Messages in `frames`. */
  framesMessages: number;
  maxMessages: number;
  budgetMs: number;
  path: string;
  request: Buffer;
  channelOptions: ChannelOptions;
}

export interface WarmTransportResult {
  messages: number;
  ms: number;
  /** Why it ended before `maxMessages`, or null. */
  problem: string | null;
}

/** Serves `frames` repeated up to `rounds` times on the one stream it is asked for, then the gRPC trailers. */
function serve(stream: ServerHttp2Stream, frames: Uint8Array, rounds: number): void {
  stream.on('error', () => undefined);
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
  stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
  let sent = 0;
  const write = () => {
    while (sent < rounds) {
      if (stream.destroyed || stream.closed) return;
      sent++;
      if (!stream.write(frames)) {
        stream.once('drain', write);
        return;
      }
    }
    stream.end();
  };
  write();
}

export async function warmTransport(
  o: WarmTransportOptions,
  onMessage: (message: Buffer) => void,
): Promise<WarmTransportResult> {
  const startedAt = performance.now();
  const rounds = Math.max(1, Math.ceil(o.maxMessages / Math.max(1, o.framesMessages)));
  const sessions = new Set<Http2Session>();
  const server = createServer();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('error', () => undefined);
    // One connection is all this is for: stop listening as soon as it is there.
    server.close();
  });
  server.on('stream', (stream) => serve(stream, o.frames, rounds));
  let messages = 0;
  let client: Client | null = null;
  try {
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });
    client = new Client(`127.0.0.1:${port}`, credentials.createInsecure(), o.channelOptions);
    const c = client;
    const problem = await new Promise<string | null>((resolve) => {
      const call = c.makeServerStreamRequest<Buffer, Buffer>(
        o.path,
        () => o.request,
        (b) => b,
        o.request,
      );
      let done = false;
      const finish = (p: string | null) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(p);
      };
      // The budget also bounds a stream that never starts (a loopback that does not answer).
      const timer = setTimeout(() => {
        call.cancel();
        finish(`time budget of ${o.budgetMs} ms spent`);
      }, o.budgetMs);
      call.on('data', (m: Buffer) => {
        messages++;
        onMessage(m);
        if (messages >= o.maxMessages) {
          call.cancel();
          finish(null);
        }
      });
      call.on('error', (e: Error) => finish(messages >= o.maxMessages ? null : e.message));
      call.on('end', () => finish(null));
    });
    return { messages, ms: performance.now() - startedAt, problem };
  } catch (err) {
    return { messages, ms: performance.now() - startedAt, problem: (err as Error).message };
  } finally {
    client?.close();
    server.close();
    for (const s of sessions) s.destroy();
  }
}
