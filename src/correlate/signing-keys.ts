/**
 * A signing tool's own key (`cosign sign --key cosign.key`): its reads of that file are its credential in use, not
 * a payload (../rules/signing-keys.ts), so they are not counted as sensitive. argv names the key as typed, often
 * relative to the working directory, which isSigningKey does not resolve, so one name could match any file of that
 * name: found by red-team review, an attacker's own key named like the secret (`--key credentials`) exempted
 * `/root/.aws/credentials` read as the predicate through a symlink. So a process's key exemption covers one file:
 * the first its key name matches. A second file matching it makes both count (either may be the payload; cosign
 * attest-blob reads its predicate before its key).
 */
import type { FileEvent } from '../model/normalized-event.js';
import { isSigningKey } from '../rules/index.js';
import type { ProcState } from './proc-state.js';
import type { ReadTracker } from './reads.js';
import type { ContainerState } from './state.js';

/** Per process: the file its key name was first matched to, and whether that read was sensitive. */
export interface SigningKeyRead {
  path: string;
  sensitive: boolean;
  /** A second file matched the key name: no read of the process is its own key any more. */
  ambiguous: boolean;
}

export interface SigningKeyVerdict {
  /** The read is of the process's own key: not counted as sensitive. */
  own: boolean;
  /** A path earlier exempted that now counts as a sensitive read (the first match, once ambiguous), or null. */
  recount: string | null;
}

const NOT_OWN: SigningKeyVerdict = { own: false, recount: null };
const OWN: SigningKeyVerdict = { own: true, recount: null };

export function signingKeyRead(
  rare: { keyFiles: readonly string[] | null; keyRead: SigningKeyRead | null },
  path: string,
  sensitive: boolean,
): SigningKeyVerdict {
  if (rare.keyFiles === null || !isSigningKey(rare.keyFiles, path)) return NOT_OWN;
  const bound = rare.keyRead;
  if (bound === null) {
    rare.keyRead = { path, sensitive, ambiguous: false };
    return OWN;
  }
  if (bound.ambiguous) return NOT_OWN;
  if (bound.path === path) return OWN;
  bound.ambiguous = true;
  return { own: false, recount: bound.sensitive ? bound.path : null };
}

/**
 * The read is of `proc`'s own signing key (the engine's file events; `sensitive`: its class). A second file
 * matching the key name records the first one, if sensitive, as the sensitive read it was.
 */
export function ownSigningKey(
  reads: ReadTracker,
  proc: ProcState | undefined,
  e: FileEvent,
  c: ContainerState,
  sensitive: boolean,
): boolean {
  const rare = proc?.rare ?? null;
  if (proc === undefined || rare === null || rare.keyFiles === null) return false;
  const verdict = signingKeyRead(rare, e.file.path, sensitive);
  if (verdict.recount !== null)
    reads.record(c, proc, { ...e, file: { path: verdict.recount, op: 'open', bytes: null } }, true);
  return verdict.own;
}
