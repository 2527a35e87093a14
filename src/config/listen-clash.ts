/**
 * Two of the daemon's own listeners on one port: /metrics (`metrics.listen`) and the falco-http receivers.
 * Both cannot bind, and the second found out only at start, as EADDRINUSE, which reads as another process
 * holding the port ("another process listens there") when the holder is exfilwatch itself. Checked with the
 * config, so `run` exits 2 naming both, and check-config lists it.
 *
 * Only clashes the kernel is sure to refuse are problems (Linux, no SO_REUSEPORT): one port on the same
 * address, on `0.0.0.0` and an IPv4 address, or on `::` (dual-stack) and any address. A hostname is compared
 * by its spelling alone: resolving it is not a cheap check, and `localhost` may be `::1` as well as 127.0.0.1.
 * The same receiver address spelled the same twice is the duplicate-endpoint check's (validate.ts).
 */
import { isIP } from 'node:net';
import { ConfigError } from '../errors.js';
import { parseListenAddress } from '../http/index.js';
import { socketEndpointId } from '../sources/endpoint-id.js';
import { falcoHttpConfigSchema } from '../sources/falco-http/config.js';
import { flagOriginOf } from './flag-origin.js';
import type { ConfigProblem } from './load.js';
import { metricsConfigSchema } from './schema.js';

const DEFAULT_METRICS_LISTEN = metricsConfigSchema.parse({}).listen;
const DEFAULT_RECEIVER_LISTEN = falcoHttpConfigSchema.parse({}).listen;

interface Listener {
  /** How the user wrote it: a key path, or the flag that made it. */
  keyPath: string;
  /** `metrics.listen 0.0.0.0:9464`, `--falco-http 127.0.0.1:2801`: what a problem points at. */
  name: string;
  text: string;
  host: string;
  port: number;
  receiver: boolean;
}

/** A raw config value read as an object: `{}` for anything else (the schema says what is wrong with it). */
export const asRecord = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** True when binding `a` makes the kernel refuse `b` (same port assumed). */
function covers(a: string, b: string): boolean {
  if (a === '::') return isIP(b) !== 0;
  if (a === '0.0.0.0') return isIP(b) === 4;
  return false;
}

function listenerOf(text: unknown, keyPath: string, origin: { flag: string } | undefined, receiver: boolean) {
  if (typeof text !== 'string') return null;
  try {
    const { host, port } = parseListenAddress(text, keyPath);
    const name = origin ? `${origin.flag} ${text}` : `${keyPath} ${text}`;
    return { keyPath: origin?.flag ?? keyPath, name, text, host: host.toLowerCase(), port, receiver };
  } catch (err) {
    // A malformed address is the schema's or the address check's problem, said there.
    if (err instanceof ConfigError) return null;
    throw err;
  }
}

export function listenClashProblems(raw: unknown): ConfigProblem[] {
  const root = asRecord(raw);
  const listeners: Listener[] = [];
  const metrics = asRecord(root.metrics);
  if (metrics.enabled !== false) {
    const l = listenerOf(metrics.listen ?? DEFAULT_METRICS_LISTEN, 'metrics.listen', flagOriginOf(root.metrics), false);
    if (l) listeners.push(l);
  }
  const receivers = asRecord(root.sources).falcoHttp;
  if (Array.isArray(receivers)) {
    receivers.forEach((entry, i) => {
      const listen = asRecord(entry).listen ?? DEFAULT_RECEIVER_LISTEN;
      const l = listenerOf(listen, `sources.falcoHttp[${i}].listen`, flagOriginOf(entry), true);
      if (l) listeners.push(l);
    });
  }
  const problems: ConfigProblem[] = [];
  listeners.forEach((later, j) => {
    if (later.port === 0) return;
    const first = listeners.slice(0, j).find((earlier) => {
      if (earlier.port !== later.port) return false;
      if (earlier.receiver && later.receiver && socketEndpointId(earlier.text) === socketEndpointId(later.text))
        return false;
      return earlier.host === later.host || covers(earlier.host, later.host) || covers(later.host, earlier.host);
    });
    if (first === undefined) return;
    problems.push({
      keyPath: later.keyPath,
      message:
        `port ${later.port} of ${later.text} is taken by ${first.name}: two listeners of exfilwatch cannot ` +
        'share a port (give one of them another)',
    });
  });
  return problems;
}
