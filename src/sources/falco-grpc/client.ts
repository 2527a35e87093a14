/**
 * Subscribes to Falco's legacy gRPC outputs (`falco.outputs.service/sub`), keeps the stream fed with empty
 * requests (Falco writes queued alerts only in answer to one), and reconnects forever with backoff.
 *
 * Falco's server pops each alert from ONE process-wide queue: a second subscriber (falco-exporter, another
 * exfilwatch) steals alerts from us instead of sharing them. Alerts raised while nobody is connected wait in
 * Falco's memory queue, so a reconnect usually loses nothing — but a Falco restart does, hence the gap marker
 * the pipeline adds on reconnect.
 */
import { readFileSync } from 'node:fs';
import { type ChannelCredentials, credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { ConfigError, DecodeError, errorMessage } from '../../errors.js';
import { normalizeFalco } from '../../formats/falco/index.js';
import { type response, serviceClient } from '../../generated/falco/outputs.js';
import { serviceClient as versionClient } from '../../generated/falco/version.js';
import { sleep } from '../../io/sleep.js';
import { backoffDelayMs } from '../../pipeline/backoff.js';
import { type ProbeAddress, probeAddress } from '../probe.js';
import { createRetryLog } from '../retry-log.js';
import type { SourceDeps, SourceOutput } from '../types.js';
import { type FalcoGrpcConfig, isUnixAddress } from './config.js';
import { responseToAlert } from './convert.js';

const PROBE_HINTS = { agent: 'Falco', permission: "run as the socket's owner or in its group" };

/** The schema admits `unix:///abs/path` or `host:port` (IPv6 in brackets). */
function probeTarget(address: string): ProbeAddress {
  if (isUnixAddress(address)) return { kind: 'unix', path: address.slice('unix://'.length) };
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon);
  return { kind: 'tcp', host: host.replace(/^\[(.*)\]$/, '$1'), port: Number(address.slice(colon + 1)) };
}

// The config side checks these files first (index.ts); this is for one that went away since.
function readPem(path: string, keyPath: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(keyPath, `cannot read ${path}: ${errorMessage(err)}`);
  }
}

function channel(
  config: FalcoGrpcConfig,
  keyPath: string,
): { creds: ChannelCredentials; options: Record<string, string | number> } {
  const options: Record<string, string | number> = {
    // Falco alerts can be large (json output inside `output`); 16 MiB is plenty and still bounded.
    'grpc.max_receive_message_length': 16 * 1024 * 1024,
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
    // We build a fresh channel per attempt and pace attempts ourselves; grpc-js would otherwise hand it the
    // shared subchannel still sitting in its own (1 s+) reconnect backoff.
    'grpc.use_local_subchannel_pool': 1,
    // Inside one attempt grpc-js retries the connection too; keep its pace the same as ours.
    'grpc.initial_reconnect_backoff_ms': config.initialBackoffMs,
    'grpc.max_reconnect_backoff_ms': config.maxBackoffMs,
  };
  if (isUnixAddress(config.address) || !config.tls) return { creds: credentials.createInsecure(), options };
  const t = config.tls;
  if (t.serverName) options['grpc.ssl_target_name_override'] = t.serverName;
  return {
    creds: credentials.createSsl(
      readPem(t.caFile, `${keyPath}.tls.caFile`),
      readPem(t.keyFile, `${keyPath}.tls.keyFile`),
      readPem(t.certFile, `${keyPath}.tls.certFile`),
    ),
    options,
  };
}

export function handleResponse(r: response, out: SourceOutput, node: string): void {
  try {
    const event = normalizeFalco(responseToAlert(r), { node });
    if (event === null) out.ignored();
    else out.offer(event);
  } catch (err) {
    out.decodeError(err instanceof DecodeError ? err : new DecodeError(errorMessage(err), { cause: err }));
  }
}

/**
 * Runs until the signal aborts: connect, subscribe, stream, and on any failure back off and start over.
 * Each failure is logged like tetragon-grpc's (retry-log.ts): a warning at once, repeats rate-limited.
 */
export async function runFalcoGrpc(
  config: FalcoGrpcConfig,
  deps: SourceDeps,
  out: SourceOutput,
  signal: AbortSignal,
): Promise<void> {
  // Bad TLS files: a setup error, thrown before the first attempt.
  const { creds, options } = channel(config, deps.keyPath ?? 'sources.falcoGrpc');
  const id = `falco-grpc ${config.address}`;
  const logProblem = createRetryLog(id, deps);
  const target = probeTarget(config.address);
  let attempt = 0;
  while (!signal.aborted) {
    // A plain connect first: a missing socket is told at once, not after grpc-js's connect deadline.
    const problem = await probeAddress(target, config.connectTimeoutMs, PROBE_HINTS);
    if (signal.aborted) break;
    let reason = problem === null ? '' : `cannot connect: ${problem}`;
    if (problem === null) {
      const client = new serviceClient(config.address, creds, options);
      try {
        await waitForReady(client, config.connectTimeoutMs, signal);
        if (!signal.aborted) {
          attempt = 0;
          logVersion(config, creds, options, deps);
          await subscribe(client, config, deps, out, signal);
          reason = 'stream ended by Falco';
        }
      } catch (err) {
        reason = errorMessage(err);
      } finally {
        client.close();
      }
    }
    if (signal.aborted) break;
    out.connection(false, reason);
    const delay = backoffDelayMs(attempt++, config.initialBackoffMs, config.maxBackoffMs);
    logProblem(reason, delay);
    await sleep(delay, signal);
  }
}

/** Resolves when the channel is READY, or at once on abort (shutdown must not wait out a connect timeout). */
function waitForReady(
  client: InstanceType<typeof serviceClient>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
    client.waitForReady(Date.now() + timeoutMs, (err) => {
      signal.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    });
  });
}

function subscribe(
  client: InstanceType<typeof serviceClient>,
  config: FalcoGrpcConfig,
  deps: SourceDeps,
  out: SourceOutput,
  signal: AbortSignal,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const call = client.sub();
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearInterval(poll);
      signal.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    };
    const onAbort = () => {
      call.cancel();
      finish();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    call.on('data', (r: response) => handleResponse(r, out, deps.node));
    call.on('error', (err: ServiceError) => {
      if (err.code === status.CANCELLED && signal.aborted) finish();
      else finish(err);
    });
    call.on('end', () => finish());
    // The channel is READY: the stream is being established. Falco answers each request with what is queued.
    out.connection(true, `subscribed to ${config.address}`);
    const ask = () => {
      if (!settled && call.writable) call.write({});
    };
    ask();
    const poll = setInterval(ask, config.pollIntervalMs);
  });
}

/** Logs the Falco version once per connection (falco.version.service), so operators see what they talk to. */
function logVersion(
  config: FalcoGrpcConfig,
  creds: ChannelCredentials,
  options: Record<string, string | number>,
  deps: SourceDeps,
): void {
  const client = new versionClient(config.address, creds, options);
  client.version({}, new Metadata(), { deadline: Date.now() + 2000 }, (err, res) => {
    client.close();
    if (err || !res) return;
    deps.logger.info(
      { source: 'falco-grpc', address: config.address, falcoVersion: res.version },
      'connected to Falco',
    );
  });
}
