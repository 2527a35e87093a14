/**
 * Subscribes to Falco's legacy gRPC outputs (`falco.outputs.service/sub`), keeps the stream fed with empty
 * requests (Falco writes queued alerts only in answer to one), and reconnects forever with backoff.
 *
 * Falco's server pops each alert from ONE process-wide queue: a second subscriber (falco-exporter, another
 * exfilwatch) steals alerts from us instead of sharing them. Alerts raised while nobody is connected wait in
 * Falco's memory queue, so a reconnect usually loses nothing — but a Falco restart does, hence the gap marker
 * the pipeline adds on reconnect.
 */
import { type ChannelCredentials, Client, credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { DecodeError, errorMessage } from '../../errors.js';
import { normalizeFalco } from '../../formats/falco/index.js';
import { response, serviceService } from '../../generated/falco/outputs.js';
import { serviceService as versionService } from '../../generated/falco/version.js';
import { readConfiguredFile } from '../../io/file-problems.js';
import { sleep } from '../../io/sleep.js';
import { backoffDelayMs } from '../../pipeline/backoff.js';
import { channelNotReady } from '../channel-ready.js';
import { HEALTHY_AFTER_MS, type StreamResult, upOnceEstablished } from '../established.js';
import { streamFailure } from '../grpc-failure.js';
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
      readConfiguredFile(t.caFile, `${keyPath}.tls.caFile`),
      readConfiguredFile(t.keyFile, `${keyPath}.tls.keyFile`),
      readConfiguredFile(t.certFile, `${keyPath}.tls.certFile`),
    ),
    options,
  };
}

/** One response's bytes → an offered event, an ignored one, or a counted decode error; never a dead stream. */
function handleResponseBytes(bytes: Buffer, out: SourceOutput, node: string, id: string): void {
  let r: response;
  try {
    r = response.decode(bytes);
  } catch (err) {
    out.decodeError(new DecodeError(`${id}: undecodable response (${bytes.length} bytes): ${errorMessage(err)}`));
    return;
  }
  handleResponse(r, out, node);
}

function handleResponse(r: response, out: SourceOutput, node: string): void {
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
 * The backoff grows until a stream proves healthy (StreamResult), so a Falco that accepts the connection
 * and refuses `sub` at once is retried at maxBackoffMs, not in a hot loop.
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
      const client = new Client(config.address, creds, options);
      try {
        const result = await streamOnce(client, config, deps, out, signal);
        if (result.healthy) attempt = 0;
        reason = result.reason;
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

/** Waits for the channel, then streams `sub` until it ends; the signal aborting ends it too. */
async function streamOnce(
  client: Client,
  config: FalcoGrpcConfig,
  deps: SourceDeps,
  out: SourceOutput,
  signal: AbortSignal,
): Promise<StreamResult> {
  const tls = !isUnixAddress(config.address) && config.tls !== undefined;
  const notReady = await channelNotReady(client, config.connectTimeoutMs, signal, tls);
  if (notReady !== null || signal.aborted) return { healthy: false, reason: notReady ?? 'stopped' };
  return subscribe(client, config, deps, out, signal);
}

function subscribe(
  client: Client,
  config: FalcoGrpcConfig,
  deps: SourceDeps,
  out: SourceOutput,
  signal: AbortSignal,
): Promise<StreamResult> {
  const id = `falco-grpc ${config.address}`;
  const sub = serviceService.sub;
  // Responses arrive as bytes and are decoded here, not by grpc-js: one undecodable response is a counted
  // skip, where grpc-js's deserializer throwing would fail the call and lose the responses queued behind it.
  const call = client.makeBidiStreamRequest(sub.path, sub.requestSerialize, (bytes: Buffer) => bytes);
  const startedAt = deps.clock.now();
  let received = 0;
  // Falco refuses a stream (UNIMPLEMENTED, an immediate end) within a round trip of our first request.
  const establishing = upOnceEstablished(() => {
    out.connection(true, `subscribed to ${config.address}`);
    logVersion(client, config, deps);
  });
  return new Promise<StreamResult>((resolve) => {
    let settled = false;
    const finish = (reason: string) => {
      if (settled) return;
      settled = true;
      establishing.cancel();
      clearInterval(poll);
      signal.removeEventListener('abort', onAbort);
      resolve({ healthy: received > 0 || deps.clock.now() - startedAt >= HEALTHY_AFTER_MS, reason });
    };
    const onAbort = () => {
      call.cancel();
      finish('stopped');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    call.on('data', (bytes: Buffer) => {
      received++;
      // Up before the event is offered, so a reconnect's gap marker comes first.
      establishing.received();
      handleResponseBytes(bytes, out, deps.node, id);
    });
    call.on('error', (err: ServiceError) => {
      finish(err.code === status.CANCELLED && signal.aborted ? 'stopped' : streamFailure(err));
    });
    call.on('end', () => finish('stream ended by Falco'));
    // Falco answers each request with what is queued.
    const ask = () => {
      if (!settled && call.writable) call.write({});
    };
    ask();
    const poll = setInterval(ask, config.pollIntervalMs);
  });
}

/**
 * Logs the Falco version once per established stream (falco.version.service), so operators see what they
 * talk to: on the stream's own channel, so it costs no connection of its own.
 */
function logVersion(client: Client, config: FalcoGrpcConfig, deps: SourceDeps): void {
  const v = versionService.version;
  client.makeUnaryRequest(
    v.path,
    v.requestSerialize,
    v.responseDeserialize,
    {},
    new Metadata(),
    { deadline: Date.now() + 2000 },
    (err, res) => {
      if (err || !res) return;
      deps.logger.info(
        { source: 'falco-grpc', address: config.address, falcoVersion: res.version },
        'connected to Falco',
      );
    },
  );
}
