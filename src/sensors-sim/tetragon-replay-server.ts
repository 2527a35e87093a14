/**
 * An in-process Tetragon agent stand-in: a grpc-js server implementing `tetragon.FineGuidanceSensors` on a
 * unix socket or TCP that streams a given list of GetEventsResponse messages to every GetEvents caller.
 * Used by the tests, the `demo` command and the benchmark.
 *
 * Like the real agent it keeps the stream open after the last event (unless `endStream`), and it
 * records each client's request so tests can check the allow_list. Items may be raw `Buffer`s: sent as
 * the message bytes unchanged (pre-encoded for benchmarks, or garbage to test decoding errors).
 */
import { rmSync } from 'node:fs';
import {
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceDefinition,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { type GetEventsRequest, GetEventsResponse } from '../generated/tetragon/events.js';
import {
  FineGuidanceSensorsService,
  type GetHealthStatusRequest,
  GetHealthStatusResponse,
  type GetVersionRequest,
  type GetVersionResponse,
} from '../generated/tetragon/sensors.js';

export type ReplayItem = GetEventsResponse | Buffer;

export interface TetragonReplayServerOptions {
  /** `unix:///abs/path` or `host:port` (port 0 = pick a free one). */
  address: string;
  events: readonly ReplayItem[];
  /** Delay between events (ms); 0 = as fast as the client reads (honouring HTTP/2 flow control). */
  intervalMs?: number;
  /** Start over after the last event, until the client goes away. */
  loop?: boolean;
  /** End the stream (status OK) after the last event instead of holding it open like Tetragon. */
  endStream?: boolean;
  /** What GetVersion answers. */
  version?: string;
  /** Called with each GetEvents request as it arrives. */
  onRequest?: (request: GetEventsRequest) => void;
}

export interface TetragonReplayServer {
  /** The bound address in the client's form (`unix:///…` or `127.0.0.1:PORT`). */
  readonly address: string;
  /** Every GetEvents request received, in order. */
  readonly requests: GetEventsRequest[];
  /** Messages written so far, over all streams. */
  readonly sent: number;
  /** GetEvents streams currently open. */
  readonly activeStreams: number;
  /** Sends more messages to every open stream (after its replay list). */
  push(items: readonly ReplayItem[]): void;
  /** Stops at once, cutting open streams (an agent restart, from the client's side). */
  close(): Promise<void>;
}

/** The service with a response serializer that also passes raw bytes through. */
const replayService: ServiceDefinition = {
  ...FineGuidanceSensorsService,
  getEvents: {
    ...FineGuidanceSensorsService.getEvents,
    responseSerialize: (value: ReplayItem) =>
      Buffer.isBuffer(value) ? value : Buffer.from(GetEventsResponse.encode(value).finish()),
  },
} as unknown as ServiceDefinition;

/** Waits for room on the stream, or for the client to go away (whichever first; no listener left behind). */
function drainOrGone(call: ServerWritableStream<GetEventsRequest, ReplayItem>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done);
      call.off('cancelled', done);
      call.off('error', done);
      resolve();
    };
    call.on('drain', done);
    call.on('cancelled', done);
    call.on('error', done);
  });
}

export async function startTetragonReplayServer(options: TetragonReplayServerOptions): Promise<TetragonReplayServer> {
  const requests: GetEventsRequest[] = [];
  // Encoded once: every stream (and every loop) sends the same bytes without re-serializing.
  const encoded = encodeItems(options.events);
  const streams = new Set<{
    call: ServerWritableStream<GetEventsRequest, ReplayItem>;
    extra: ReplayItem[];
    wake?: () => void;
  }>();
  let sent = 0;
  let closed = false;

  async function serve(call: ServerWritableStream<GetEventsRequest, ReplayItem>): Promise<void> {
    requests.push(call.request);
    options.onRequest?.(call.request);
    const stream: { call: typeof call; extra: ReplayItem[]; wake?: () => void } = { call, extra: [] };
    streams.add(stream);
    let gone = false;
    call.on('cancelled', () => {
      gone = true;
      stream.wake?.();
    });
    call.on('error', () => {
      gone = true;
    });
    const write = async (item: ReplayItem) => {
      sent++;
      if (!call.write(item) && !gone) await drainOrGone(call);
      if (options.intervalMs) await new Promise((r) => setTimeout(r, options.intervalMs));
    };
    try {
      do {
        for (const item of encoded) {
          if (gone || closed) return;
          await write(item);
        }
      } while (options.loop && encoded.length > 0 && !gone && !closed);
      if (options.endStream) {
        call.end();
        return;
      }
      // Hold the stream open like the agent does; deliver pushed items as they come.
      while (!gone && !closed) {
        const item = stream.extra.shift();
        if (item !== undefined) {
          await write(item);
          continue;
        }
        await new Promise<void>((resolve) => {
          stream.wake = resolve;
        });
      }
    } finally {
      streams.delete(stream);
    }
  }

  const server = new Server();
  server.addService(replayService, {
    getEvents: (call: ServerWritableStream<GetEventsRequest, ReplayItem>) => {
      void serve(call).catch(() => undefined);
    },
    getHealth: (
      _call: ServerUnaryCall<GetHealthStatusRequest, GetHealthStatusResponse>,
      cb: sendUnaryData<GetHealthStatusResponse>,
    ) => cb(null, GetHealthStatusResponse.fromJSON({})),
    getVersion: (
      _call: ServerUnaryCall<GetVersionRequest, GetVersionResponse>,
      cb: sendUnaryData<GetVersionResponse>,
    ) => cb(null, { version: options.version ?? 'v1.7.0-exfilwatch-replay' }),
  });

  let bindTarget = options.address;
  if (options.address.startsWith('unix://')) {
    // A stale socket file from an earlier run would make bind fail (the agent removes it too).
    rmSync(options.address.slice('unix://'.length), { force: true });
  }
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(bindTarget, ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
  });
  if (!options.address.startsWith('unix://')) {
    bindTarget = options.address.replace(/:\d+$/, `:${port}`);
  }

  return {
    address: bindTarget,
    requests,
    get sent() {
      return sent;
    },
    get activeStreams() {
      return streams.size;
    },
    push(items) {
      const bytes = encodeItems(items);
      for (const s of streams) {
        s.extra.push(...bytes);
        const wake = s.wake;
        s.wake = undefined;
        wake?.();
      }
    },
    async close() {
      closed = true;
      for (const s of streams) s.wake?.();
      server.forceShutdown();
    },
  };
}

/** Pre-encodes messages (benchmarks: keep encoding cost out of the measured stream). */
export function encodeTetragonEvents(events: readonly GetEventsResponse[]): Buffer[] {
  return events.map((e) => Buffer.from(GetEventsResponse.encode(e).finish()));
}

function encodeItems(items: readonly ReplayItem[]): Buffer[] {
  return items.map((e) => (Buffer.isBuffer(e) ? e : Buffer.from(GetEventsResponse.encode(e).finish())));
}
