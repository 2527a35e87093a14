/**
 * Destination classes: is a host or an IP a code forge, a registry, one of the user's own (internal), or
 * none of these? Sensors see IP:port, not hostnames (TLS), so IPs are classed from
 *   - periodic DNS resolution of the configured exact hostnames (an injected resolver; failures are
 *     logged and never fatal, the previous answers stay), and
 *   - hints: a push lineage that named a host in argv (`git push https://github.com/…`) and then connected
 *     to an IP teaches us that IP (bounded, with a TTL in event time), and
 *   - the user's internal CIDRs.
 */
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { canonicalHost } from '../rules/argv.js';
import type { Logger } from '../telemetry/logger.js';
import type { DestinationsConfig } from './config.js';
import { MapSweep } from './sweep.js';

export type DestinationClass = 'forge' | 'registry' | 'internal';

/**
 * Where a destination's host name came from: `dns`, exfilwatch's own answers for the configured hosts;
 * `argv`, the pushing process's command line (for a push by egress, its own or its parent's); `default`,
 * the push tool's usual registry, which argv does not name; `hint`, an earlier push's command line that
 * connected to the same address. Only `dns` is a name the process did not choose.
 */
export type DestNaming = 'dns' | 'argv' | 'default' | 'hint';

/** Resolves one hostname to its IPv4/IPv6 addresses; rejects or returns [] on failure. */
export type HostResolver = (host: string) => Promise<string[]>;

/** The system resolver, with `cancel()`: lookups in flight end at once (a stopping daemon waits for none). */
export function createDnsResolver(timeoutMs: number): HostResolver & { cancel(): void } {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  const resolve = async (host: string): Promise<string[]> => {
    const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
    return [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
  };
  return Object.assign(resolve, { cancel: () => resolver.cancel() });
}

interface HostMatcher {
  exact: Map<string, DestinationClass>;
  suffixes: Array<{ suffix: string; cls: DestinationClass }>;
  patterns: Array<{ re: RegExp; cls: DestinationClass }>;
}

interface Cidr {
  v6: boolean;
  bits: bigint;
  mask: bigint;
}

export interface IpClass {
  host: string;
  cls: DestinationClass;
  /** null for an internal CIDR (`host` is then the address itself). */
  from: 'dns' | 'hint' | null;
  /** Event-time expiry for hints; Infinity for DNS answers (replaced on refresh). */
  expiresMs: number;
}

export const ARGV_SCAN_CHARS = 4096;
export const ARGV_MAX_HOSTS = 8;
/** hostNamedIn's answers kept per command line: at most this many, of command lines this short at most. */
const ARGV_MEMO_MAX = 512;
const ARGV_MEMO_CHARS = 256;
/** `scheme://[user@]host`, `user@host:path`, or a word starting `host.tld/` (image refs, go-style repos); a scheme of
 * ≤ 32 characters, as reporting-calls' URL_WORD: unbounded, 4 KiB of `a` in argv cost 15 ms per exec (a scan per start). */
export const ARGV_HOST =
  /[a-z][a-z0-9+.-]{0,31}:\/\/(?:[^\s'"/@]*@)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)|(?:^|[\s'"=])[a-z0-9._-]+@([a-z0-9-]+(?:\.[a-z0-9-]+)+):|(?:^|[\s'"=])([a-z0-9-]+(?:\.[a-z0-9-]+)+)(?::\d+)?\//gi;

/** Web front ends of the SaaS forges: an HTTP upload there counts only on API paths. */
const FORGE_WEB_HOSTS = new Set([
  'github.com',
  'gitlab.com',
  'bitbucket.org',
  'codeberg.org',
  'gitea.com',
  'gitee.com',
]);

/**
 * Artifactory's query API on an upload-only host (`POST /artifactory/api/search/aql` with an AQL text): no upload,
 * as the query is stored nowhere, and the cleanup, promotion and release-notes scripts of CI jobs send one after
 * reading Artifactory's token (found by a false-positive review: each was `high`). The path exactly, with any query
 * string: no dot segment or escape leads elsewhere from it.
 */
const ARTIFACTORY_QUERY = /^\/(?:artifactory\/)?api\/search\/aql\/?(?:\?[^#/]*)?$/;

export class DestinationClassifier {
  private readonly hosts: HostMatcher = { exact: new Map(), suffixes: [], patterns: [] };
  private readonly cidrs: Array<Cidr & { text: string }> = [];
  private readonly hostCache = new Map<string, DestinationClass | null>();
  /** hostNamedIn per command line: its answer reads the configuration only (host names, never IPs). */
  private readonly argvHosts = new Map<string, string | null>();
  private dnsIps = new Map<string, IpClass>();
  /** The hosts among dnsIps' answers. */
  private answered = new Set<string>();
  private readonly hints = new Map<string, IpClass>();
  private sweepNowMs = Number.NEGATIVE_INFINITY;
  private readonly hintSweep = new MapSweep(this.hints, (ip, h) => {
    if (h.expiresMs < this.sweepNowMs) this.hints.delete(ip);
  });
  private readonly resolvable: Array<{ host: string; cls: DestinationClass }> = [];
  /** DestinationsConfig.uploadHosts: upload targets for command lines only, never a class. */
  private readonly uploadHosts: RegExp[];

  constructor(
    private readonly config: DestinationsConfig,
    private readonly maxHints: number,
    private readonly onHintEvicted: () => void = () => {},
  ) {
    const add = (glob: string, cls: DestinationClass) => {
      const g = glob.toLowerCase();
      const cidr = parseCidr(g);
      if (cidr) {
        this.cidrs.push({ ...cidr, text: g });
        return;
      }
      if (!g.includes('*')) {
        if (!this.hosts.exact.has(g)) this.hosts.exact.set(g, cls);
        if (!isIP(g)) this.resolvable.push({ host: g, cls });
      } else if (g.startsWith('*.') && !g.slice(2).includes('*')) {
        this.hosts.suffixes.push({ suffix: g.slice(1), cls });
      } else {
        this.hosts.patterns.push({ re: globToRegExp(g), cls });
      }
    };
    // Internal first: the user's own classification wins over the SaaS defaults.
    for (const g of config.internal) add(g, 'internal');
    for (const g of config.forges) add(g, 'forge');
    for (const g of config.registries) add(g, 'registry');
    this.uploadHosts = config.uploadHosts.map((g) => globToRegExp(g.toLowerCase()));
  }

  /** Class of a hostname (or an IP literal, via the IP tables). */
  classifyHost(host: string, nowMs = 0): DestinationClass | null {
    // `github.com.` (the DNS root's dot) is github.com: callers may hand over a name as a command line wrote it.
    const h = canonicalHost(host);
    if (isIP(h)) return this.classifyIp(h, nowMs)?.cls ?? null;
    const cached = this.hostCache.get(h);
    if (cached !== undefined) return cached;
    let cls: DestinationClass | null = this.hosts.exact.get(h) ?? null;
    if (!cls) for (const s of this.hosts.suffixes) if (h.endsWith(s.suffix)) cls = s.cls;
    if (!cls) for (const p of this.hosts.patterns) if (p.re.test(h)) cls = p.cls;
    if (this.hostCache.size >= 4096) this.hostCache.clear();
    this.hostCache.set(h, cls);
    return cls;
  }

  /** Class of an IP from DNS answers, lineage hints or internal CIDRs; null when unknown. Hot path. */
  classifyIp(ip: string, nowMs: number): Readonly<IpClass> | null {
    // DNS first: an address a push taught before the configured host's answers rotated to it is that
    // host's by DNS now, not by the push's command line.
    const dns = this.dnsIps.get(ip);
    if (dns !== undefined) return dns;
    const hint = this.hints.get(ip);
    if (hint !== undefined) {
      if (hint.expiresMs >= nowMs) return hint;
      this.hints.delete(ip);
    }
    if (this.cidrs.length === 0) return null;
    const parsed = parseIp(ip);
    if (!parsed) return null;
    for (const c of this.cidrs) {
      if (c.v6 === parsed.v6 && (parsed.bits & c.mask) === c.bits)
        return { host: ip, cls: 'internal', from: null, expiresMs: Number.POSITIVE_INFINITY };
    }
    return null;
  }

  /**
   * Whether `host` is what DNS answered for `ip` when the configured hosts were resolved: a name exfilwatch
   * found itself, unlike a hint (taught by a process's argv) or a lineage's host, which the process chose.
   */
  isDnsName(ip: string, host: string): boolean {
    return this.dnsIps.get(ip)?.host === host;
  }

  /** Whether DNS answered for `host` (a configured exact name): its addresses are known, and no other is it. */
  hasDnsAnswers(host: string): boolean {
    return this.answered.has(canonicalHost(host));
  }

  /**
   * A table tool's push whose command line named `host` connected to `ip`: remember the pairing for a while.
   * Not for names a process did not write in a push command (a tool's usual registry, which its config can
   * move; a push by egress's name; a docker daemon's upload, linked to a push by time only).
   */
  learn(ip: string, host: string, nowMs: number): void {
    const cls = this.classifyHost(host, nowMs);
    if (!cls || isIP(host)) return;
    // A private address for a public forge or registry is most likely a proxy (https_proxy=10.0.0.5:3128,
    // or on 80 or 443): the node's other pods reach everything through it, so it is not that host. (A
    // registry's private endpoint, ECR through a VPC endpoint, is then not learned either: name it in
    // `destinations.internal`.)
    if (cls !== 'internal' && isPrivateAddress(ip)) return;
    if (!this.hints.has(ip) && this.hints.size >= this.maxHints) {
      const oldest = this.hints.keys().next().value;
      if (oldest !== undefined) this.hints.delete(oldest);
      this.onHintEvicted();
    }
    this.hints.delete(ip);
    this.hints.set(ip, { host, cls, from: 'hint', expiresMs: nowMs + this.config.ipHintTtlMs });
  }

  /**
   * The first forge, registry or internal host a command line names: in a URL (`https://host/…`), an
   * scp-like remote (`git@host:repo`) or a host-prefixed reference (`ghcr.io/org/img`). Called once per
   * process, never per event; bounded (the first ARGV_SCAN_CHARS characters, ARGV_MAX_HOSTS candidates).
   */
  hostNamedIn(args: string | null): string | null {
    if (!args || !(args.includes('://') || args.includes('@') || args.includes('/'))) return null;
    // A node runs the same command lines over and over (Falco: every new pid is a new process).
    if (args.length > ARGV_MEMO_CHARS) return this.scanArgv(args);
    let host = this.argvHosts.get(args);
    if (host !== undefined) return host;
    host = this.scanArgv(args);
    if (this.argvHosts.size >= ARGV_MEMO_MAX) this.argvHosts.clear();
    this.argvHosts.set(args, host);
    return host;
  }

  private scanArgv(args: string): string | null {
    const text = args.length > ARGV_SCAN_CHARS ? args.slice(0, ARGV_SCAN_CHARS) : args;
    let tried = 0;
    for (const m of text.matchAll(ARGV_HOST)) {
      const host = (m[1] ?? m[2] ?? m[3] ?? '').toLowerCase();
      if (host === '' || isIP(host) !== 0) continue;
      if (this.classifyHost(host) !== null) return host;
      if (++tried >= ARGV_MAX_HOSTS) break;
    }
    return null;
  }

  /** Is this URL (host + path) an upload endpoint of a forge or registry, for generic HTTP clients? */
  isUploadTarget(host: string, path: string): boolean {
    if (!this.classifyHost(host)) return this.isUploadOnlyHost(host) && !ARTIFACTORY_QUERY.test(path);
    if (!FORGE_WEB_HOSTS.has(canonicalHost(host))) return true;
    return this.config.webHostsApiPathPrefixes.some((p) => path.startsWith(p) || path.includes(p));
  }

  /**
   * DestinationsConfig.uploadHosts, except VS Code's Marketplace: its public gallery API takes a POST for every
   * extension lookup (`/_apis/public/gallery/extensionquery`), which scripts installing extensions send.
   */
  private isUploadOnlyHost(host: string): boolean {
    const h = canonicalHost(host);
    return h !== 'marketplace.visualstudio.com' && this.uploadHosts.some((re) => re.test(h));
  }

  /**
   * Re-resolves the configured exact hostnames. Never rejects; keeps old answers for hosts that failed.
   * `cancelled` says the lookups were cancelled (the correlator closed): nothing to keep or to warn about.
   */
  async refresh(resolve: HostResolver, logger: Logger, cancelled: () => boolean = () => false): Promise<void> {
    const next = new Map<string, IpClass>();
    let failures = 0;
    await Promise.all(
      this.resolvable.map(async ({ host, cls }) => {
        let ips: string[] = [];
        try {
          ips = await resolve(host);
        } catch {
          ips = [];
        }
        if (ips.length === 0) {
          failures++;
          for (const [ip, c] of this.dnsIps) if (c.host === host) next.set(ip, c);
          return;
        }
        for (const ip of ips)
          if (!next.has(ip)) next.set(ip, { host, cls, from: 'dns', expiresMs: Number.POSITIVE_INFINITY });
      }),
    );
    if (cancelled()) return;
    this.dnsIps = next;
    this.answered = new Set([...next.values()].map((c) => c.host));
    if (failures > 0) {
      logger.warn(
        { failed: failures, hosts: this.resolvable.length },
        'could not resolve some destination hostnames; keeping previous answers',
      );
    }
  }

  /** A pass expiring hints stale at `nowMs` (the correlator's sweep), up to `budget` per step (budget left). */
  sweepStart(nowMs: number): void {
    this.sweepNowMs = nowMs;
    this.hintSweep.start();
  }

  sweepStep(budget: number): number {
    return this.hintSweep.step(budget);
  }

  resolvableHosts(): string[] {
    return this.resolvable.map((r) => r.host);
  }
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
}

/** IPv4 or IPv6 address as a bigint (IPv4-mapped IPv6 is treated as IPv4). */
export function parseIp(text: string): { v6: boolean; bits: bigint } | null {
  let ip = text;
  if (ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4) ip = ip.slice(7);
  const kind = isIP(ip);
  if (kind === 4) {
    let bits = 0n;
    for (const part of ip.split('.')) bits = (bits << 8n) | BigInt(Number(part));
    return { v6: false, bits };
  }
  if (kind === 6) {
    const [head = '', tail = ''] = ip.split('::');
    const h = head ? head.split(':') : [];
    const t = ip.includes('::') ? (tail ? tail.split(':') : []) : [];
    const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
    let bits = 0n;
    for (const g of groups) bits = (bits << 16n) | BigInt(Number.parseInt(g || '0', 16));
    return { v6: true, bits };
  }
  return null;
}

/** `10.0.0.0/8`, `fd00::/8`, or a bare IP (as /32 or /128); null when not a CIDR. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!ip) return null;
  const width = ip.v6 ? 128 : 32;
  const lenText = slash < 0 ? null : text.slice(slash + 1);
  // Digits only: Number('') is 0, and `10.0.0.0/` must not become a /0 that matches every address.
  if (lenText !== null && !/^\d{1,3}$/.test(lenText)) return null;
  const len = lenText === null ? width : Number(lenText);
  if (len > width) return null;
  const mask = len === 0 ? 0n : ((1n << BigInt(len)) - 1n) << BigInt(width - len);
  return { v6: ip.v6, bits: ip.bits & mask, mask };
}

/** Written as an IP would be (a mistyped one included): digits and dots, or hex digits with colons. */
export function ipShaped(addr: string): boolean {
  return (/^[\d.]+$/.test(addr) && addr.includes('.')) || (/^[\da-f:.]+$/i.test(addr) && addr.includes(':'));
}

/**
 * `host:port`, `10.0.0.5:5000`, `[fd00::1]:443` or `[fd00::1]`. A push's host and addresses are matched
 * without their port or brackets, so such a pattern would match nothing: `harbor.corp.example:8443` in
 * `internal` left that registry unclassed and its pushes unseen, without a word.
 */
const WITH_PORT = /^(?:\[([\da-f:.]+)\](?::\d*)?|([^:/[\]\s]+):\d*)$/i;

/**
 * Why a destination pattern is not one: written with a port (above), or shaped like an IP address or CIDR
 * but not a valid one; null when it is valid, or is a host glob. IP-shaped: digits and dots with a dot, hex
 * digits and colons with a colon, or anything with a `/` (no host has one). Without this check
 * `10.0.0.0/33` or `300.1.1.1` would silently become host globs that never match.
 */
export function destinationPatternProblem(text: string): string | null {
  const withPort = WITH_PORT.exec(text);
  if (withPort) return `a destination is matched without its port: write "${withPort[1] ?? withPort[2]}"`;
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  if (!ipShaped(addr) && slash < 0) return null;
  const ip = parseIp(addr);
  if (!ip) return `"${addr}" is not an IPv4 or IPv6 address`;
  if (slash >= 0 && !parseCidr(text)) return `the prefix length must be a number from 0 to ${ip.v6 ? 128 : 32}`;
  return null;
}

/** Loopback, link-local and unspecified addresses never are a push destination. */
export function isLocalAddress(ip: string): boolean {
  return (
    ip.startsWith('127.') ||
    ip === '::1' ||
    ip === '0.0.0.0' ||
    ip === '::' ||
    ip.startsWith('169.254.') ||
    ip.startsWith('fe80:') ||
    ip.startsWith('::ffff:127.')
  );
}

const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'].map(
  (c) => parseCidr(c)!,
);

/** RFC 1918, shared address space (100.64/10, CGNAT) and unique local IPv6 (fc00::/7), IPv4-mapped too. */
export function isPrivateAddress(ip: string): boolean {
  const lower = ip.toLowerCase();
  const p = parseIp(lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice(7) : lower);
  return p !== null && PRIVATE_RANGES.some((r) => r.v6 === p.v6 && (p.bits & r.mask) === r.bits);
}
