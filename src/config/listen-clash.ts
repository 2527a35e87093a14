/**
 * Two of the daemon's own listeners on one port: /metrics (`metrics.listen`) and the falco-http receivers.
 * Both cannot bind, and the second found out only at start, as EADDRINUSE, which reads as another process
 * holding the port ("another process listens there") when the holder is exfilwatch itself. Checked with the
 * config, so `run` exits 2 naming both, and check-config lists it.
 *
 * Only clashes the kernel is sure to refuse are problems (Linux, no SO_REUSEPORT): one port on the same
 * address, on `0.0.0.0` and an IPv4 address, or on `::` (dual-stack) and any address. IPv6 addresses are
 * compared in their canonical spelling. listenClashProblems compares a hostname by its spelling alone (it is
 * synchronous); resolvedListenClashProblems, run by `check-config` and `run` after it, looks each hostname up
 * as the listen will (`localhost` is 127.0.0.1 on one node, ::1 on another) and names the clashes only that
 * shows: `localhost:P` beside `127.0.0.1:P` failed at start as EADDRINUSE blaming "another process".
 * The same receiver address spelled the same twice is the duplicate-endpoint check's (validate.ts).
 */
import { execFile } from 'node:child_process';
import { getDefaultResultOrder } from 'node:dns';
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
  /** What a hostname resolved to, for the message (resolvedListenClashProblems). */
  resolvedFrom?: string;
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
    return { keyPath: origin?.flag ?? keyPath, name, text, host: canonicalHost(host), port, receiver };
  } catch (err) {
    // A malformed address is the schema's or the address check's problem, said there.
    if (err instanceof ConfigError) return null;
    throw err;
  }
}

/**
 * `0:0:0:0:0:0:0:1` is `::1`: an IPv6 address in its one canonical spelling (the URL parser's), and an
 * IPv4-mapped one (`::ffff:127.0.0.1`) is its IPv4 address: Linux refuses the one beside the other.
 */
function canonicalHost(host: string): string {
  if (isIP(host) !== 6) return host.toLowerCase();
  const canonical = new URL(`http://[${host}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (mapped === null) return canonical;
  const [high, low] = [Number.parseInt(mapped[1]!, 16), Number.parseInt(mapped[2]!, 16)];
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

export function listenClashProblems(raw: unknown): ConfigProblem[] {
  return clashesOf(listenersOf(raw), () => true);
}

/**
 * The clashes a hostname hides, each hostname looked up as net.Server.listen does (dns.lookup, its first
 * address): only pairs with a hostname in them, the others are listenClashProblems'. A name that does not
 * resolve (or not within LOOKUP_TIMEOUT_MS) is left to the listen, which says so.
 */
export async function resolvedListenClashProblems(raw: unknown): Promise<ConfigProblem[]> {
  const listeners = listenersOf(raw);
  // A name is looked up (a node start) only where another listener has its port: only there can it clash.
  const sharesPort = (l: Listener) => listeners.some((o) => o !== l && o.port === l.port && l.port !== 0);
  const resolved = await Promise.all(
    listeners.map(async (l): Promise<Listener> => {
      if (isIP(l.host) !== 0 || !sharesPort(l)) return l;
      const address = await lookupWithin(l.host, LOOKUP_TIMEOUT_MS);
      return address === null ? l : { ...l, host: canonicalHost(address), resolvedFrom: l.host };
    }),
  );
  const named = new Set(listenClashProblems(raw).map((p) => p.keyPath));
  return clashesOf(resolved, (a, b) => a.resolvedFrom !== undefined || b.resolvedFrom !== undefined).filter(
    (p) => !named.has(p.keyPath),
  );
}

/** A config check waits no longer than this for one name: a slow resolver is the listen's to meet. */
const LOOKUP_TIMEOUT_MS = 2_000;

/**
 * dns.lookup in a child process, as the listen will call it (the same result order). Here, not in this
 * process: a getaddrinfo cannot be cancelled, and one left waiting on a resolver that does not answer held the
 * process past its answer (libuv joins its thread pool at exit, process.exit too) until the resolver gave up:
 * `check-config` took 7.5 s with `timeout:3 attempts:2`, `run` waited as long for its config child. The child
 * is killed at `ms`. Costs a node start (~40 ms), for a config with a hostname listener only.
 */
const LOOKUP_SCRIPT =
  "require('node:dns').lookup(process.argv[1], (err, address) => err ? process.exit(1) : process.stdout.write(address))";

/** The first address of `host` as dns.lookup gives it, or null when it fails or takes over `ms`. */
function lookupWithin(host: string, ms: number): Promise<string | null> {
  const args = [`--dns-result-order=${getDefaultResultOrder()}`, '-e', LOOKUP_SCRIPT, '--', host];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { timeout: ms, killSignal: 'SIGKILL', encoding: 'utf8' }, (err, address) =>
      resolve(err === null && isIP(address) !== 0 ? address : null),
    );
  });
}

function listenersOf(raw: unknown): Listener[] {
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
  return listeners;
}

function clashesOf(listeners: Listener[], consider: (a: Listener, b: Listener) => boolean): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [j, later] of listeners.entries()) {
    if (later.port === 0) continue;
    const first = listeners.slice(0, j).find((earlier) => {
      if (earlier.port !== later.port || !consider(earlier, later)) return false;
      if (earlier.receiver && later.receiver && socketEndpointId(earlier.text) === socketEndpointId(later.text))
        return false;
      return earlier.host === later.host || covers(earlier.host, later.host) || covers(later.host, earlier.host);
    });
    if (first === undefined) continue;
    const resolved = [later, first]
      .filter((l) => l.resolvedFrom !== undefined)
      .map((l) => `${l.resolvedFrom} is ${l.host} here`);
    problems.push({
      keyPath: later.keyPath,
      message:
        `port ${later.port} of ${later.text} is taken by ${first.name}` +
        (resolved.length > 0 ? ` (${[...new Set(resolved)].join(', ')})` : '') +
        ': two listeners of exfilwatch cannot share a port (give one of them another)',
    });
  }
  return problems;
}
