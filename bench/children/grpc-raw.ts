/**
 * Baseline: a bare grpc-js client draining GetEvents, deserializing each message to a GetEventsResponse
 * and doing nothing else. The same channel options as the tetragon-grpc source.
 *
 *   --address unix:///… --count N
 */
import { Client, credentials } from '@grpc/grpc-js';
import { GetEventsRequest, GetEventsResponse } from '../../src/generated/tetragon/events.js';
import { buildGetEventsRequest } from '../../src/sources/tetragon-grpc/request.js';
import { childArgs, childMain, cpuMs, peakRssMb, tell } from '../lib/child.js';

childMain(async () => {
  const args = childArgs();
  const count = Number(args.count);
  const client = new Client(args.address!, credentials.createInsecure(), {
    'grpc.max_receive_message_length': 10 * 1024 * 1024,
    'grpc.enable_retries': 0,
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
  });
  const call = client.makeServerStreamRequest(
    '/tetragon.FineGuidanceSensors/GetEvents',
    (req: GetEventsRequest) => Buffer.from(GetEventsRequest.encode(req).finish()),
    (bytes: Buffer) => GetEventsResponse.decode(bytes),
    buildGetEventsRequest([]),
  );
  let received = 0;
  let t0 = 0;
  let cpu0 = 0;
  let sink = 0;
  await new Promise<void>((resolve, reject) => {
    call.on('data', (msg: GetEventsResponse) => {
      if (received === 0) {
        t0 = performance.now();
        cpu0 = cpuMs();
      }
      received++;
      // Touch the message so the decode cannot be optimised away.
      if (msg.nodeName.length > 0) sink++;
      if (received === count) resolve();
    });
    call.on('error', (err: Error) => {
      if (received < count) reject(err);
    });
  });
  const elapsedMs = performance.now() - t0;
  const cpu = cpuMs() - cpu0;
  call.cancel();
  client.close();
  tell({
    type: 'result',
    events: count,
    eventsPerSec: ((count - 1) * 1000) / elapsedMs,
    cpuPerEventUs: (cpu * 1000) / count,
    peakRssMb: peakRssMb(),
    touched: sink,
  });
});
