/**
 * Source flags shared by `run` and `events`. They put source entries into the raw config object before
 * validation, each flag given replacing the file's list of its type, so a flag and a config-file entry are the
 * same thing (one schema, one error format).
 */
import type { Command } from 'commander';
import { markFromFlag } from '../config/flag-origin.js';
import { ConfigError } from '../errors.js';
import { parseHostPort } from '../sources/falco-http/listen.js';
import { parseTetragonAddress } from '../sources/tetragon-grpc/address.js';
import { collect } from './common.js';

export interface SourceFlags {
  tetragon?: string[];
  tetragonFile?: string[];
  falcoHttp?: string[];
  falcoGrpc?: string[];
}

/** Said in --help: a user who passes a flag and a config file must know the file's list of that type is unused. */
const replaces = (key: string) => `repeatable; replaces the config file's sources.${key}`;

export function addSourceFlags(cmd: Command): Command {
  return cmd
    .option(
      '--tetragon <addr>',
      `Tetragon gRPC: unix:///absolute/path or host:port (${replaces('tetragonGrpc')})`,
      collect,
      [],
    )
    .option(
      '--tetragon-file <path>',
      `follow a Tetragon JSON export file, rotation-safe (${replaces('tetragonFile')})`,
      collect,
      [],
    )
    .option('--falco-http <host:port>', `listen for Falco http_output JSON (${replaces('falcoHttp')})`, collect, [])
    .option(
      '--falco-grpc <addr>',
      `legacy Falco (<= 0.43) gRPC outputs: unix:///path (host:port needs mutual TLS: give it in the config file) (${replaces('falcoGrpc')})`,
      collect,
      [],
    );
}

function checkAddress(flag: string, value: string): void {
  const parsed = parseTetragonAddress(value);
  if ('error' in parsed) throw new ConfigError(flag, parsed.error);
}

/**
 * The same HOST:PORT the config's `listen` takes (port 0 included: an ephemeral port, which the receiver's
 * "listening" log line names), so the flag refuses nothing the file accepts.
 */
function checkListen(flag: string, value: string): void {
  if (parseHostPort(value) === null)
    throw new ConfigError(flag, `expected HOST:PORT, IPv6 as [addr]:port (got "${value}")`);
}

/**
 * A source flag overrides the file's entries of its type (INTERFACES.md: flags override the config file): `run
 * --config F --tetragon localhost:54321` reads localhost alone, not also the socket F names (which would be a
 * second reader, every event counted twice, when both name one stream). The file's other source types stay.
 */
function overrideWith(sources: Record<string, unknown>, key: string, entries: Array<Record<string, string>>): void {
  if (entries.length === 0) return;
  sources[key] = entries;
}

/**
 * Puts the flags' sources into a parsed-but-unvalidated config object (returned for chaining), each type given
 * by a flag replacing the file's list of that type. Each entry is marked with its flag, so a problem with it
 * names the flag (src/config/flag-origin.ts).
 */
export function sourceFlagsToConfig(opts: SourceFlags, rawConfig: Record<string, unknown>): Record<string, unknown> {
  const tetragon = opts.tetragon ?? [];
  const tetragonFile = opts.tetragonFile ?? [];
  const falcoHttp = opts.falcoHttp ?? [];
  const falcoGrpc = opts.falcoGrpc ?? [];
  for (const a of tetragon) checkAddress('--tetragon', a);
  for (const a of falcoGrpc) checkAddress('--falco-grpc', a);
  for (const l of falcoHttp) checkListen('--falco-http', l);
  for (const p of tetragonFile) if (p === '') throw new ConfigError('--tetragon-file', 'expected a file path');
  if (tetragon.length + tetragonFile.length + falcoHttp.length + falcoGrpc.length === 0) return rawConfig;

  const current = rawConfig.sources;
  if (current !== undefined && (typeof current !== 'object' || current === null || Array.isArray(current))) {
    throw new ConfigError('sources', `expected a mapping (got ${JSON.stringify(current)})`);
  }
  const sources = { ...((current as Record<string, unknown> | undefined) ?? {}) };
  overrideWith(
    sources,
    'tetragonGrpc',
    tetragon.map((address) => markFromFlag({ address }, { flag: '--tetragon', value: address })),
  );
  overrideWith(
    sources,
    'tetragonFile',
    tetragonFile.map((path) => markFromFlag({ path }, { flag: '--tetragon-file', value: path })),
  );
  overrideWith(
    sources,
    'falcoHttp',
    falcoHttp.map((listen) => markFromFlag({ listen }, { flag: '--falco-http', value: listen })),
  );
  overrideWith(
    sources,
    'falcoGrpc',
    falcoGrpc.map((address) => markFromFlag({ address }, { flag: '--falco-grpc', value: address })),
  );
  rawConfig.sources = sources;
  return rawConfig;
}
