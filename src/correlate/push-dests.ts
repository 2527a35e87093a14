/**
 * A push's addresses (PushEpisode.dests, at most MAX_PUSH_DESTS) and the bytes it sent each (destBytes, same
 * order): what its alert lists and its allowlist check weighs. Slots are per address: each process has its
 * own DestEntry for one ip:port.
 */
import type { DestEntry, PushEpisode } from './state.js';

/** Other remotes a push keeps from its later steps (PushEpisode.otherRemotes; its argv's are bounded by argv). */
export const MAX_OTHER_REMOTES = 16;
/** Stands for the steps' remotes past MAX_OTHER_REMOTES: no host or path entry covers it, so none is let through unseen. */
const UNKEPT_REMOTES = { remote: `(more than ${MAX_OTHER_REMOTES} destinations: the rest not kept)`, host: null };

/** Adds a remote a later step of the push named (git's transport helper, its ssh) to where else it goes. */
export function addOtherRemote(ep: PushEpisode, remote: string, host: string | null): void {
  if (ep.otherRemotes.some((o) => o.remote === remote)) return;
  if (ep.otherRemotes.length < MAX_OTHER_REMOTES) ep.otherRemotes.push({ remote, host });
  else if (!ep.otherRemotes.includes(UNKEPT_REMOTES)) ep.otherRemotes.push(UNKEPT_REMOTES);
}

/** Addresses a push keeps (PushEpisode.dests). */
export const MAX_PUSH_DESTS = 4;

/** The slot of `dest`'s address among the push's (each process has its own entry for one ip:port). */
function slotOf(ep: PushEpisode, dest: DestEntry): number {
  for (let i = 0; i < ep.dests.length; i++) {
    const d = ep.dests[i]!;
    if (d === dest || (d.ip === dest.ip && d.port === dest.port && d.byDaemon === dest.byDaemon)) return i;
  }
  return -1;
}

/** Lists `dest` among the push's addresses while there is room. */
export function listDest(ep: PushEpisode, dest: DestEntry): void {
  if (ep.dests.length < MAX_PUSH_DESTS && slotOf(ep, dest) < 0) {
    ep.dests.push(dest);
    ep.destBytes.push(0);
  }
}

/**
 * Bytes the push sent to `dest`: to its slot, or, for an address not listed, in place of the listed one
 * that got fewer (a connect alone), so that where the bulk went is listed and weighed by the allowlist.
 */
export function addSent(ep: PushEpisode, dest: DestEntry, bytes: number): void {
  const i = slotOf(ep, dest);
  if (i >= 0) {
    ep.destBytes[i]! += bytes;
    return;
  }
  listDest(ep, dest);
  const j = slotOf(ep, dest);
  if (j >= 0) {
    ep.destBytes[j]! += bytes;
    return;
  }
  let least = 0;
  for (let k = 1; k < ep.destBytes.length; k++) if (ep.destBytes[k]! < ep.destBytes[least]!) least = k;
  if (ep.destBytes[least]! < bytes) {
    ep.dests[least] = dest;
    ep.destBytes[least] = bytes;
  }
}

export function formatAddr(ip: string, port: number | null): string {
  const host = ip.includes(':') ? `[${ip}]` : ip;
  return port === null ? host : `${host}:${port}`;
}
