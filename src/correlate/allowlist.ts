/**
 * Allowlist matching (INTERFACES.md shape): a judged push is exempt when ALL fields given in one entry
 * match. Compiled once; evaluated only when a push is judged, never per event.
 */
import { isIP } from 'node:net';
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

function destinationTest(value: string): Test {
  const cidr = value.includes('/') || isIP(value) ? parseCidr(value) : null;
  if (cidr) {
    return (s) => {
      const ips = [...s.destinationIps];
      if (s.destinationHost && isIP(s.destinationHost)) ips.push(s.destinationHost);
      // Every address: one connection into the range must not exempt a push that sent elsewhere.
      return (
        ips.length > 0 &&
        ips.every((ip) => {
          const p = parseIp(ip);
          return p !== null && p.v6 === cidr.v6 && (p.bits & cidr.mask) === cidr.bits;
        })
      );
    };
  }
  const re = new RegExp(globToRegExp(value.toLowerCase()).source, 'i');
  return (s) => s.destinationHost !== null && re.test(s.destinationHost);
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
