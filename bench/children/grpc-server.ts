/**
 * The benchmark's Tetragon agent: `tetragon.FineGuidanceSensors/GetEvents` over HTTP/2 on a unix socket,
 * streaming the workload's pre-framed GetEventsResponse messages. It is a bare node:http2 server writing
 * the frames file in large slices, so the server costs little and the client side (what we measure) is
 * the bottleneck, as with a Go agent on its own core. Like Tetragon it holds the stream open after the
 * last event; clients cancel when they have what they came for.
 *
 *   --file F --socket PATH --mode full|paced [--rate EVENTS_PER_S]
 *
 * Paced mode writes message i at t0 + i/rate (every ~1 ms tick, what fell due since the last one) and, once
 * everything is written, tells the orchestrator when each message actually went out, so the client can tell
 * each event's latency from its send time.
 */
import { readFileSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import { childArgs, childMain, tell } from '../lib/child.js';

const GET_EVENTS = '/tetragon.FineGuidanceSensors/GetEvents';
const SLICE = 1024 * 1024;

childMain(async () => {
  const args = childArgs();
  const data = readFileSync(args.file!);
  const mode = args.mode ?? 'full';
  const rate = Number(args.rate ?? 0);
  // Frame boundaries: offsets[i] is where message i starts.
  const offsets: number[] = [];
  for (let pos = 0; pos < data.length; pos += 5 + data.readUInt32BE(pos + 1)) offsets.push(pos);
  offsets.push(data.length);
  const count = offsets.length - 1;

  const server = http2.createServer({ settings: { initialWindowSize: 4 * 1024 * 1024 } });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => undefined);
    if (headers[':path'] !== GET_EVENTS) {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12' }, { endStream: true });
      return;
    }
    stream.resume(); // the request message (allow_list): not needed here
    const t0 = performance.timeOrigin + performance.now();
    stream.respond({ ':status': 200, 'content-type': 'application/grpc+proto' });
    let sent = 0; // messages written
    let gone = false;
    stream.on('close', () => {
      gone = true;
    });
    const writeUpTo = (end: number): Promise<void> | null => {
      // Writes messages [sent, end) in slices; returns a promise when the stream wants draining.
      while (sent < end && !gone) {
        let last = sent + 1;
        while (last < end && offsets[last + 1]! - offsets[sent]! <= SLICE) last++;
        const ok = stream.write(data.subarray(offsets[sent]!, offsets[last]!));
        sent = last;
        if (!ok) return new Promise((resolve) => stream.once('drain', resolve));
      }
      return null;
    };
    if (mode === 'full') {
      void (async () => {
        while (sent < count && !gone) await writeUpTo(count);
      })();
      return;
    }
    // Paced: every tick hands over exactly the messages that have fallen due, in one write, whatever the
    // client's flow-control window says (node buffers what the window does not admit yet), as a sensor
    // emits events when they happen. Gating the pacing clock on 'drain' made a client that fell behind
    // get the stream in 1 MB bursts of ~950 messages, and logged those bursts with stale times.
    // The log holds [first index of a write, epoch ms when it was handed over] pairs: the client measures
    // latency from there, so this process's own scheduling hiccups are not billed to the pipeline, while
    // time a message waits because the client is not reading is.
    const writes: number[] = [];
    const tick = () => {
      if (gone) return;
      const now = performance.timeOrigin + performance.now();
      const due = Math.min(count, Math.floor(((now - t0) * rate) / 1000));
      if (due > sent) {
        writes.push(sent, now);
        stream.write(data.subarray(offsets[sent]!, offsets[due]!));
        sent = due;
      }
      // Told once the last message is handed over: the client may cancel right after reading it.
      if (sent >= count) tell({ type: 'writes', writes });
      else setTimeout(tick, 1);
    };
    tick();
  });
  const socketPath = args.socket!;
  rmSync(socketPath, { force: true });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  tell({ type: 'ready', address: `unix://${socketPath}`, count });
  process.on('SIGTERM', () => {
    server.close();
    process.exit(0);
  });
  await new Promise(() => undefined); // serves until stopped
});
