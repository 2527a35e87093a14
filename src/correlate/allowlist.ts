/**
 * Allowlist matching (INTERFACES.md shape): a judged push is exempt when ALL fields given in one entry
 * match. Compiled once; evaluated only when a push is judged, never per event.
 */
import { isIP } from 'node:net';
import { repositoryPathTest } from './allowlist-paths.js';
import type { AllowlistEntry } from './allowlist-schema.js';
import { parseCidr, parseIp } from './destinations.js';

export interface AllowlistSubject {
  namespace: string | null;
  pod: string | null;
  podLabels: Record<string, string>;
  image: string | null;
  binary: string | null;
  /** Destination host or IP (no port), and any IPs it was seen connecting to. */
  destinationHost: string | null;
  destinationIps: readonly string[];
  /**
   * The recognised push's remote (alert `push.remote`, unredacted): what a `HOST/PATH-GLOB` destination is
   * matched on. null for a push by egress only, which such an entry never exempts.
   */
  destinationRemote?: string | null;
  /** The recognised push's tool (`push.tool`): helm's `oci://` remote names the namespace its chart goes under. */
  pushTool?: string | null;
  /**
   * Set when the push names other destinations too (coverDestinations), which share its addresses and bytes:
   * the IP addresses its destinations name outright (`--destination 10.20.0.5/acme/app`), each one's own.
   */
  destinationLiterals?: readonly string[];
  /**
   * Bytes the push sent to each of those addresses, and in all (0 when the sensor reported no sends): a
   * CIDR entry then covers the push when nearly all its bytes went into the range.
   */
  destinationSent?: readonly SentTo[];
  sentBytes?: number;
}

/**
 * Bytes a push sent to one address. `toBuilder`: sent by a client to the daemon or BuildKit that uploads for
 * it (PushRecognition.viaBuilder): counted among the push's bytes, never as bytes that went into a range or to
 * a host, since the image went on from there to wherever argv named.
 */
export interface SentTo {
  ip: string;
  bytes: number;
  toBuilder?: true;
}

/**
 * The share of a push's bytes that must have gone into an allowlisted range (or to a host's DNS addresses):
 * all but a little (requests to an auth server or a CDN, the other address family's attempt, DNS over
 * TCP), never a bulk sent elsewhere.
 */
export const ALLOWLIST_BYTES_SHARE = 0.9;
/**
 * Below this many bytes sent by its judgement, a push's bytes say nothing of where a bulk went (a build
 * tool's requests before its upload, minutes later): any of its addresses in the range (not the resolver's)
 * covers it.
 */
export const ALLOWLIST_BYTES_MIN = 1024 * 1024;
/** What a few requests elsewhere (auth, base-image manifests) come to: more than this sent outside is data. */
export const ALLOWLIST_REQUEST_BYTES = 16 * 1024;

/** Did at least ALLOWLIST_BYTES_SHARE of `total` go to addresses passing `test`? */
export function nearlyAllTo(sent: readonly SentTo[], total: number, test: (ip: string) => boolean): boolean {
  let to = 0;
  for (const d of sent) if (d.toBuilder !== true && test(d.ip)) to += d.bytes;
  return Math.min(to, total) >= ALLOWLIST_BYTES_SHARE * total;
}

type Test = (s: AllowlistSubject) => boolean;

export interface CompiledAllowlist {
  /** The first entry that exempts the subject, or null. */
  match(subject: AllowlistSubject): AllowlistEntry | null;
}

export function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
}

function globTest(glob: string, pick: (s: AllowlistSubject) => string | null): Test {
  const re = globToRegExp(glob);
  return (s) => {
    const v = pick(s);
    return v !== null && re.test(v);
  };
}

const hostGlobToRegExp = (glob: string) => new RegExp(globToRegExp(glob.toLowerCase()).source, 'i');

function destinationTest(value: string): Test {
  const cidr = value.includes('/') || isIP(value) ? parseCidr(value) : null;
  if (!cidr && value.includes('/')) {
    // HOST/PATH-GLOB (./allowlist-paths.ts): the remote alone decides, neither the host the push connected
    // to (GitHub's API hosts name github.com's repositories) nor the bytes per address, which say nothing of
    // which account on a shared host they went to.
    const test = repositoryPathTest(value, hostGlobToRegExp);
    return (s) => test(s.destinationRemote ?? null, s.destinationHost, s.pushTool ?? null);
  }
  if (cidr) {
    const inRange = (ip: string) => {
      const p = parseIp(ip);
      return p !== null && p.v6 === cidr.v6 && (p.bits & cidr.mask) === cidr.bits;
    };
    return (s) => {
      // By bytes where the sensor counted them: one connection into the range must not exempt a push that
      // sent its bulk elsewhere (nor do addresses past those kept: they count as outside).
      // A client that sent more than requests to the builder that uploads for it (a build context) sent data
      // the range says nothing about: where the builder took it is in argv, for a host entry to judge.
      let toBuilder = 0;
      for (const d of s.destinationSent ?? []) if (d.toBuilder === true) toBuilder += d.bytes;
      if (toBuilder > ALLOWLIST_REQUEST_BYTES) return false;
      const total = s.sentBytes ?? 0;
      if (total >= ALLOWLIST_BYTES_MIN) return nearlyAllTo(s.destinationSent ?? [], total, inRange);
      const ips = [...s.destinationIps];
      if (s.destinationHost && isIP(s.destinationHost)) ips.push(s.destinationHost);
      // Few bytes, or none reported (Falco without its byte rules): any address but the resolver's (a
      // build tool's push judged before its upload, minutes later, has only its requests to weigh), unless
      // more than requests went outside the range (a secret bundle sent elsewhere).
      let outside = 0;
      let inside = 0;
      for (const d of s.destinationSent ?? []) {
        if (d.toBuilder !== true && inRange(d.ip)) inside += d.bytes;
        else outside += d.bytes;
      }
      if (outside > Math.max(ALLOWLIST_REQUEST_BYTES, inside)) return false;
      const literals = s.destinationLiterals;
      if (literals === undefined) return ips.some(inRange);
      // A push to several destinations at once: which address served a destination argv names by host is not
      // known, so every address no destination names outright must be in the range (found by review:
      // `--destination 10.20.0.5/acme/app --destination quay.io/evil/x` was exempt by 10.0.0.0/8), and some
      // such address reached (judged before it connected there, it had only 10.20.0.5's). One named by its
      // address is judged by it, as a push to one is: every() over all addresses took a release job's pull
      // of its base image from Docker Hub for a destination (review of 366c93d).
      if (s.destinationHost && literals.includes(s.destinationHost)) return inRange(s.destinationHost);
      const unnamed = s.destinationIps.filter((ip) => !literals.includes(ip));
      return unnamed.length > 0 && unnamed.every(inRange);
    };
  }
  const re = hostGlobToRegExp(value);
  return (s) => s.destinationHost !== null && re.test(s.destinationHost);
}

/** Another remote the push goes to, and the host named for it (PushEpisode.otherRemotes). */
export interface OtherDestination {
  remote: string;
  host: string | null;
}

/** The entries that cover a push's destinations, and those destinations no entry covers (named as remotes). */
export interface DestinationsCover {
  entries: AllowlistEntry[];
  uncovered: string[];
}

/**
 * A push to several destinations at once (kaniko's `--destination A --destination B`, buildx's `-t A -t B`)
 * is exempt when each one is covered by some entry that matches the rest of the push, the same entry or not:
 * a release job pushing one image to two registries the operator allowlisted each in its own entry. Tested on
 * one destination only, the push was exempt by an entry for the first whatever the others were, or, with
 * every destination required to fit one entry, never exempt by two.
 */
export function coverDestinations(
  allowlist: CompiledAllowlist,
  subject: AllowlistSubject,
  others: readonly OtherDestination[],
  first: string,
  firstHost: string | null,
): DestinationsCover {
  const entries: AllowlistEntry[] = [];
  const uncovered: string[] = [];
  // Addresses argv names, never the one the subject's host fell back on (an address the push connected to).
  const hosts = [firstHost, ...others.map((o) => o.host)];
  const literals = others.length > 0 ? hosts.filter((h): h is string => h !== null && isIP(h) !== 0) : undefined;
  const destinations = [
    { subject: literals ? { ...subject, destinationLiterals: literals } : subject, name: first },
    ...others.map((o) => ({
      // The push's bytes and addresses are all those argv's destinations share: a CIDR entry still weighs them.
      subject: { ...subject, destinationHost: o.host, destinationRemote: o.remote, destinationLiterals: literals },
      name: o.remote,
    })),
  ];
  for (const d of destinations) {
    const entry = allowlist.match(d.subject);
    if (entry === null) uncovered.push(d.name);
    else if (!entries.includes(entry)) entries.push(entry);
  }
  return { entries, uncovered };
}

export function compileAllowlist(entries: readonly AllowlistEntry[]): CompiledAllowlist {
  const compiled = entries.map((entry) => {
    const tests: Test[] = [];
    if (entry.namespace) tests.push(globTest(entry.namespace, (s) => s.namespace));
    if (entry.pod) tests.push(globTest(entry.pod, (s) => s.pod));
    if (entry.image) tests.push(globTest(entry.image, (s) => s.image));
    if (entry.binary) tests.push(globTest(entry.binary, (s) => s.binary));
    if (entry.destination) tests.push(destinationTest(entry.destination));
    for (const [key, glob] of Object.entries(entry.podLabels ?? {})) {
      tests.push(globTest(glob, (s) => s.podLabels[key] ?? null));
    }
    return { entry, tests };
  });
  return {
    match(subject) {
      for (const c of compiled) if (c.tests.length > 0 && c.tests.every((t) => t(subject))) return c.entry;
      return null;
    },
  };
}
