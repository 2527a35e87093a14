/**
 * An in-process stand-in for Falco's (≤ 0.43) gRPC outputs server, for replays and tests. It keeps Falco's
 * semantics: ONE shared alert queue (each alert goes to one subscriber only), `sub` writes what is queued
 * only in answer to a client request, `get` drains and finishes. Unix socket (no auth) or TCP with mutual TLS.
 */
import { ServerCredentials as Creds, Server, type ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import { parseFalcoJson } from '../formats/falco/parse.js';
import { type request, type response, type serviceServer, serviceService } from '../generated/falco/outputs.js';
import { priority, source } from '../generated/falco/schema.js';
import { serviceService as versionService } from '../generated/falco/version.js';

export interface FalcoGrpcServerOptions {
  /** `unix:///abs/path.sock` or `127.0.0.1:0` (then tls is required, as in Falco). */
  address: string;
  tls?: { ca: Buffer; cert: Buffer; key: Buffer };
  version?: string;
}

export interface FalcoGrpcServer {
  /** Address clients dial (`127.0.0.1:<bound port>` for TCP). */
  readonly address: string;
  /** Queues alerts (proto responses, or Falco JSON alert text converted like Falco's gRPC output does). */
  push(...alerts: Array<response | string>): void;
  queued(): number;
  /** Open `sub` streams. */
  subscribers(): number;
  stop(): Promise<void>;
}

const PRIORITY: Record<string, priority> = {
  emergency: priority.EMERGENCY,
  alert: priority.ALERT,
  critical: priority.CRITICAL,
  error: priority.ERROR,
  warning: priority.WARNING,
  notice: priority.NOTICE,
  informational: priority.INFORMATIONAL,
  debug: priority.DEBUG,
};

/** What Falco's gRPC output makes of an alert: the same fields, every output_fields value stringified. */
export function alertTextToResponse(text: string): response {
  const a = parseFalcoJson(text);
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries((a.output_fields as Record<string, unknown>) ?? {})) {
    fields[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  const timeText = typeof a.time === 'string' ? a.time : '1970-01-01T00:00:00Z';
  const dot = timeText.indexOf('.');
  const seconds = BigInt(Math.floor(Date.parse(`${timeText.slice(0, 19)}Z`) / 1000));
  const nanos =
    dot > 0
      ? Number(
          timeText
            .slice(dot + 1, -1)
            .padEnd(9, '0')
            .slice(0, 9),
        )
      : 0;
  const src = typeof a.source === 'string' ? a.source : '';
  return {
    time: { seconds, nanos },
    priority: PRIORITY[String(a.priority).toLowerCase()] ?? priority.DEBUG,
    sourceDeprecated: src === 'k8s_audit' ? source.K8S_AUDIT : src === 'internal' ? source.INTERNAL : source.SYSCALL,
    rule: String(a.rule ?? ''),
    output: String(a.output ?? ''),
    outputFields: fields,
    hostname: typeof a.hostname === 'string' ? a.hostname : '',
    tags: Array.isArray(a.tags) ? a.tags.map(String) : [],
    source: src,
  };
}

export async function startFalcoGrpcServer(options: FalcoGrpcServerOptions): Promise<FalcoGrpcServer> {
  const queue: response[] = [];
  const streams = new Set<ServerDuplexStream<request, response>>();
  const server = new Server();
  const outputs: serviceServer = {
    sub(call: ServerDuplexStream<request, response>) {
      streams.add(call);
      const drop = () => streams.delete(call);
      call.on('data', () => {
        // Falco: each request is answered with everything queued now; then it waits for the next request.
        while (queue.length > 0 && !call.cancelled) call.write(queue.shift()!);
      });
      call.on('end', () => {
        drop();
        call.end();
      });
      call.on('cancelled', drop);
      call.on('error', drop);
    },
    get(call) {
      while (queue.length > 0) call.write(queue.shift()!);
      call.end();
    },
  };
  server.addService(serviceService, outputs);
  server.addService(versionService, {
    version(_call: unknown, callback: (err: null, res: unknown) => void) {
      const v = options.version ?? '0.43.0';
      const [major = 0, minor = 0, patch = 0] = v.split('.').map(Number);
      callback(null, {
        version: v,
        major,
        minor,
        patch,
        prerelease: '',
        build: '',
        engineMinor: 0,
        engineFieldsChecksum: '',
        engineMajor: 0,
        enginePatch: 0,
        engineVersion: '',
      });
    },
  });
  const creds: ServerCredentials = options.tls
    ? Creds.createSsl(options.tls.ca, [{ private_key: options.tls.key, cert_chain: options.tls.cert }], true)
    : Creds.createInsecure();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(options.address, creds, (err, p) => (err ? reject(err) : resolve(p))),
  );
  const address = options.address.startsWith('unix://')
    ? options.address
    : `${options.address.replace(/:\d+$/, '')}:${port}`;
  return {
    address,
    push(...alerts) {
      for (const a of alerts) queue.push(typeof a === 'string' ? alertTextToResponse(a) : a);
    },
    queued: () => queue.length,
    subscribers: () => streams.size,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of streams) s.end();
        server.tryShutdown(() => resolve());
        // Streams that never end would hold tryShutdown forever; Falco going away is abrupt anyway.
        setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 200).unref();
      }),
  };
}
