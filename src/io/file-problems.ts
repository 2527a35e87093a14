/**
 * The checks behind the sources' and sinks' `fileProblems`: every file a config names is read once on the
 * config side, so `run` refuses a missing certificate, secret or credential before the first event (exit 2,
 * naming the key) and `check-config` lists it, instead of a source failing after the daemon said it was
 * running or a sink reconnecting for ever.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, errorMessage } from '../errors.js';

export interface FileProblem {
  /** Relative to the component's config object, e.g. `tls.certFile`, `credsFile`. */
  keyPath: string;
  message: string;
}

/** What the file must hold: anything readable, a non-empty secret, PEM, an NKey user seed, a NATS .creds file. */
export type FileKind = 'text' | 'secret' | 'pem' | 'nkey-seed' | 'nats-creds';

/** Why the file at `path` will not do as a `kind`, or null when it will. */
function fileProblem(path: string, kind: FileKind): string | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return `cannot read ${path}: ${errorMessage(err)}`;
  }
  if (kind === 'pem' && !/-----BEGIN [A-Z0-9 ]+-----/.test(text)) return `${path} is not PEM`;
  // The same rule as the receiver's: a trailing newline is not part of the secret.
  if (kind === 'secret' && text.replace(/\r?\n$/, '').length === 0) return `${path} is empty`;
  if (kind === 'nkey-seed' && !/^SU[A-Z2-7]{50,}$/.test(text.trim()))
    return `${path} does not hold an NKey user seed (SU…)`;
  if (kind === 'nats-creds' && !/-----BEGIN NATS USER JWT-----/.test(text)) return `${path} is not a NATS .creds file`;
  return null;
}

/** Problems of the named files; entries whose path is undefined are not configured and are skipped. */
export function fileProblems(files: ReadonlyArray<[keyPath: string, path: string | undefined, kind: FileKind]>) {
  const problems: FileProblem[] = [];
  for (const [keyPath, path, kind] of files) {
    if (path === undefined) continue;
    const message = fileProblem(path, kind);
    if (message !== null) problems.push({ keyPath, message });
  }
  return problems;
}

/**
 * Reads a file the config names, at a component's start. The config side checked it already (above); this
 * is for one that went away since, and fails start-up naming the key the path came from.
 */
export function readConfiguredFile(path: string, keyPath: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(keyPath, `cannot read ${path}: ${errorMessage(err)}`, { cause: err });
  }
}
