/** Request admission for the Falco receiver: shared secret, rate limit, media type. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ConfigError } from '../../errors.js';
import { readConfiguredFile } from '../../io/file-problems.js';
import type { Clock } from '../../model/clock.js';
import type { FalcoHttpConfig } from './config.js';

export type SecretCheck = (headers: IncomingHttpHeaders) => boolean;

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Loads the secret once at start (a bad file or unset variable is a setup error). Comparison hashes both
 * sides first, so timingSafeEqual always compares equal lengths and the time says nothing about the secret.
 */
export function createSecretCheck(cfg: NonNullable<FalcoHttpConfig['sharedSecret']>, keyPath: string): SecretCheck {
  let secret: string;
  if (cfg.valueFile !== undefined) {
    secret = readConfiguredFile(cfg.valueFile, `${keyPath}.sharedSecret.valueFile`)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  } else {
    secret = process.env[cfg.valueEnv ?? ''] ?? '';
    if (secret.length === 0)
      throw new ConfigError(
        `${keyPath}.sharedSecret.valueEnv`,
        `environment variable ${cfg.valueEnv} is unset or empty`,
      );
  }
  if (secret.length === 0) throw new ConfigError(`${keyPath}.sharedSecret.valueFile`, `${cfg.valueFile} is empty`);
  const want = digest(secret);
  const header = cfg.header.toLowerCase();
  const matches = (candidate: string) => timingSafeEqual(digest(candidate), want);
  return (headers) => {
    const raw = headers[header];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (typeof value !== 'string') return false;
    if (header !== 'authorization') return matches(value);
    // Falco's http_output cannot set headers, but curl turns url credentials into Basic auth.
    let ok = matches(value);
    if (value.startsWith('Bearer ')) ok = matches(value.slice(7)) || ok;
    if (value.startsWith('Basic ')) {
      const decoded = Buffer.from(value.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      ok = matches(colon >= 0 ? decoded.slice(colon + 1) : decoded) || ok;
    }
    return ok;
  };
}

/** Token bucket over all requests; `take()` false = over the limit (429). */
export function createRateLimiter(perSecond: number, clock: Clock): { take(): boolean } {
  if (perSecond <= 0) return { take: () => true };
  const burst = Math.max(1, perSecond);
  let tokens = burst;
  let last = clock.now();
  return {
    take() {
      const now = clock.now();
      tokens = Math.min(burst, tokens + ((now - last) / 1000) * perSecond);
      last = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}

export type BodyKind = 'json' | 'ndjson';

/** Falco sends `application/json`; newline-delimited batches may say so or use an ndjson/jsonl type. */
export function bodyKindOf(contentType: string | undefined): BodyKind | null {
  if (contentType === undefined) return null;
  if (contentType === 'application/json') return 'json'; // what Falco sends, every request
  const semi = contentType.indexOf(';');
  const media = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  if (media === 'application/json') return 'json';
  if (media === 'application/x-ndjson' || media === 'application/jsonl' || media === 'application/x-jsonlines')
    return 'ndjson';
  return null;
}

export type BodyEncoding = 'identity' | 'gzip';

/** The body's `Content-Encoding`, or null for one the receiver does not decode (answered 415). */
export function bodyEncodingOf(contentEncoding: string | undefined): BodyEncoding | null {
  if (contentEncoding === undefined) return 'identity';
  const encoding = contentEncoding.toLowerCase();
  return encoding === 'identity' || encoding === 'gzip' ? encoding : null;
}

/**
 * Bodies up to this size are not held against the budget. Falco sends one alert of a few KB per POST: a flood
 * of large bodies filling the budget must not crowd those out. Each connection holds at most one body at a
 * time, so these stay bounded by maxConnections (4 MiB at the default 256), like each connection's head.
 */
export const UNBUDGETED_BODY_BYTES = 16 * 1024;

/**
 * What one connection may hold outside the body budget is its request head (≤ maxHeaderBytes: the fast path
 * keeps at most half of it, node:http the rest of its own count) and one small body (≤ UNBUDGETED_BODY_BYTES).
 * Heads are bounded here, through the connection count, not charged to the budget: node:http keeps its part
 * of a head inside its parser, out of sight, and a head charged on one path only would bound nothing.
 * maxConnections × (maxHeaderBytes + 16 KiB) may not exceed this (8 MiB at the defaults).
 */
export const MAX_UNBUDGETED_CONNECTION_BYTES = 32 * 1024 * 1024;

/** maxConnections' upper bound: Falco needs one connection per output; a node runs one Falco. */
export const MAX_CONNECTIONS = 1024;

/**
 * Bytes of request bodies held across all of one receiver's connections, fast path and node:http alike: each
 * connection's own limit (maxBodyBytes) times maxConnections is far more than the pod's memory.
 */
export interface BodyBudget {
  /** What holding a body of `size` bytes takes from the budget: nothing for a small one, else all of it. */
  cost(size: number): number;
  /** Reserves `bytes`; false (nothing reserved) when that would take the total past the budget. */
  take(bytes: number): boolean;
  /** Returns bytes taken before (a body served, refused, or its connection gone). */
  give(bytes: number): void;
  readonly used: number;
  readonly limit: number;
}

/**
 * The body budget in force: maxBufferedBodyBytes, but never below one body of maxBodyBytes. Here, not in
 * config.ts: the daemon never loads zod (its config is validated in a child process).
 */
export function bodyBudgetBytes(config: Pick<FalcoHttpConfig, 'maxBufferedBodyBytes' | 'maxBodyBytes'>): number {
  return Math.max(config.maxBufferedBodyBytes, config.maxBodyBytes);
}

/** Where the budget's level is shown (exfilwatch_receiver_buffered_body_bytes): moved by each take and give. */
export interface BudgetLevel {
  inc(bytes: number): void;
  dec(bytes: number): void;
}

/** Only bodies over UNBUDGETED_BODY_BYTES take or give, so Falco's one-alert POSTs never touch `level`. */
export function createBodyBudget(limit: number, level?: BudgetLevel): BodyBudget {
  let used = 0;
  return {
    cost: (size) => (size <= UNBUDGETED_BODY_BYTES ? 0 : size),
    take(bytes) {
      if (used + bytes > limit) return false;
      used += bytes;
      if (bytes > 0) level?.inc(bytes);
      return true;
    },
    give(bytes) {
      used -= bytes;
      if (bytes > 0) level?.dec(bytes);
    },
    get used() {
      return used;
    },
    limit,
  };
}
