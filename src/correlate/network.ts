/**
 * Network activity of container processes: sockets (cookie → destination, for sends that carry no
 * address), destinations per process (classed once, when first seen), and bytes sent, which join a
 * pending push or, past `egressPushMinBytes` to a forge/registry/internal destination, make one: sent by
 * one process, or by the container's processes together within the window (state.ts, EgressSum).
 */
import type { NetEvent } from '../model/normalized-event.js';
import type { PushRecognition } from '../rules/recognize.js';
import { noteLocalEgress } from './archive-extractions.js';
import type { CorrelatorConfig } from './config.js';
import { type DestinationClassifier, isLocalAddress } from './destinations.js';
import { loseDownload } from './download-egress.js';
import { adoptTwinPush } from './dual-sensor.js';
import { StringPool } from './intern.js';
import { namesOtherHost } from './other-hosts.js';
import { addSent } from './push-dests.js';
import type { PushTracker } from './pushes.js';
import {
  type ContainerState,
  clockEvict,
  type DestEntry,
  type EgressSum,
  newDest,
  newEgressSum,
  type ProcState,
} from './state.js';
import { MapSweep } from './sweep.js';
import { noteTime } from './times.js';

const MAX_DESTS_PER_PROC = 8;
/** Distinct destination IPs whose one copy is shared (a node's processes talk to a few services). */
const POOLED_IPS = 4096;

interface SocketEntry {
  dest: DestEntry;
  proc: ProcState;
  hot: boolean;
}

export class NetTracker {
  private readonly sockets = new Map<string, SocketEntry>();
  private readonly sweep = new MapSweep(this.sockets, (k, s) => {
    if (s.proc.lastMs < s.proc.node.sweepNowMs - this.horizonMs) this.sockets.delete(k);
  });
  private readonly horizonMs: number;
  private readonly ips = new StringPool(POOLED_IPS);

  constructor(
    private readonly cfg: CorrelatorConfig,
    private readonly classifier: DestinationClassifier,
    private readonly pushes: PushTracker,
    private readonly socketEvicted: { inc(): void },
    private readonly egressEvicted: { inc(): void },
  ) {
    this.horizonMs = cfg.windowMs + cfg.latenessMs + cfg.pushSettleMs;
  }

  /**
   * A connect, send or close by `proc` of container `c`. True when that send made a download lose its exemption
   * (./download-egress.ts).
   */
  record(e: NetEvent, proc: ProcState, c: ContainerState): boolean {
    const n = e.net;
    if (n.op === 'close') {
      if (n.cookie) this.sockets.delete(n.cookie);
      return false;
    }
    // The resolver: glibc connects its UDP DNS socket, and Falco reports that connect. Not where a push goes
    // (a TCP connection to port 53 may be, and stays).
    if (n.dport === 53 && isUdp(n.protocol)) return false;
    let dest: DestEntry | null = null;
    if (n.daddr === null) {
      const sock = n.cookie ? this.sockets.get(n.cookie) : undefined;
      if (sock === undefined) return false;
      sock.hot = true;
      dest = sock.dest;
    } else {
      if (isLocalAddress(n.daddr)) {
        // Through a local proxy, a push's egress is not what left (./archive-extractions.ts).
        const ep = proc.episode;
        if (ep !== null && !ep.judged) noteLocalEgress(ep, n.daddr);
        return false;
      }
      dest = this.destOf(proc, n.daddr, n.dport, e);
    }
    // Both sensors on the node: the other's report of this process may be the one the push was made for.
    if (proc.episode === null && c.pending.length > 0) adoptTwinPush(proc, c);
    if (n.op === 'connect') {
      if (n.cookie) {
        if (!this.sockets.has(n.cookie) && this.sockets.size >= this.cfg.caps.maxSockets && clockEvict(this.sockets)) {
          this.socketEvicted.inc();
        }
        this.sockets.set(n.cookie, { dest, proc, hot: true });
      }
      const ep = proc.episode;
      if (ep !== null && !ep.judged) this.pushes.noteDest(ep, dest, proc);
      return false;
    }
    let ep = proc.episode;
    if (ep?.judged && e.timeMs > ep.dueMs) {
      // That push is over: a long-lived process starts counting afresh towards a new one.
      proc.episode = null;
      ep = null;
      for (const d of proc.dests ?? []) {
        d.flagged = false;
        d.bytes = 0;
        d.bytesFromMs = e.timeMs;
      }
    }
    const bytes = n.bytes !== null && n.bytes > 0 ? n.bytes : 0;
    if (ep === null && e.timeMs - dest.bytesFromMs >= this.cfg.windowMs) {
      // A window on: what the process sent there before no longer adds up (the container's sum still
      // joins sends a window apart).
      dest.bytes = 0;
      dest.bytesFromMs = e.timeMs;
    }
    dest.bytes += bytes;
    if (ep !== null) {
      if (!ep.judged) {
        ep.egressBytes += bytes;
        ep.egressSeen = true;
        this.pushes.noteDest(ep, dest, proc);
        addSent(ep, dest, bytes);
      }
      return false;
    }
    if (dest.cls === null) return false;
    const lost = proc.download;
    if (lost) {
      if (dest.bytes < this.cfg.downloadEgressMaxBytes) return false;
      // A download's requests are small; an upload under its name (a renamed curl as `~/.cargo/bin/cargo build`,
      // a real tool made to send) is no download from here on (./download-egress.ts).
      loseDownload(proc);
    }
    if (!dest.flagged && dest.bytes >= this.cfg.egressPushMinBytes) {
      const pushed = this.pushes.egressPush(proc, dest, dest.bytes, false, e, c);
      // The other processes' bytes to that destination join this push rather than make a second one.
      const sum = this.sumOf(c, dest, e.timeMs);
      if (sum.ep === null || (sum.ep.judged && e.timeMs > sum.ep.dueMs)) sum.ep = pushed;
      return lost;
    }
    if (bytes > 0) this.addToSum(proc, dest, bytes, e, c);
    return lost;
  }

  /**
   * Bytes `proc` sent to a classed destination, not (yet) a push by themselves: added to what the
   * container's other processes sent there. Past `egressPushMinBytes` together they are one push,
   * attributed to `proc`, whose send crossed the threshold: it is a process that really sent part of the
   * data, its command line is at hand (the event carries it) and it is found again by its exec id. The top
   * of the senders' process tree would often name the loop that started them better, but finding it needs
   * every sender's lineage, and the senders need not share one (a cron job and a shell can both send);
   * the evidence and the response lead from this process to its parents.
   */
  private addToSum(proc: ProcState, dest: DestEntry, bytes: number, e: NetEvent, c: ContainerState): void {
    const t = e.timeMs;
    const sum = this.sumOf(c, dest, t);
    const ep = sum.ep;
    if (ep !== null) {
      if (!ep.judged) {
        ep.egressBytes += bytes;
        this.pushes.noteDest(ep, dest, proc);
        addSent(ep, dest, bytes);
        if (dest.named !== 'dns' && ep.destNamed === 'dns') ep.destNamed = dest.named;
        return;
      }
      if (t <= ep.dueMs) return;
      // That push is over: the container's processes start counting afresh towards a new one.
      sum.ep = null;
      sum.bytes = 0;
      sum.prevBytes = 0;
      sum.genStartMs = t;
      sum.dests = null;
      sum.destBytes = null;
      sum.named = null;
    }
    const windowMs = this.cfg.windowMs;
    const age = t - sum.genStartMs;
    if (age >= windowMs) {
      // Contiguous generations of a window each: the one before the current is kept.
      if (age < 2 * windowMs) {
        sum.prevBytes = sum.bytes;
        sum.genStartMs += windowMs;
      } else {
        sum.prevBytes = 0;
        sum.genStartMs = t;
      }
      // Addresses, their bytes and naming are the current generation's: the older bytes then count as sent
      // elsewhere, never as bytes an address got after they left the window.
      sum.dests = null;
      sum.destBytes = null;
      sum.named = null;
      sum.bytes = 0;
    }
    sum.bytes += bytes;
    noteContributor(sum, dest, bytes);
    const total = sum.bytes + sum.prevBytes;
    if (total >= this.cfg.egressPushMinBytes) {
      const pushed = this.pushes.egressPush(proc, dest, total, true, e, c);
      // The total is the sum's, spread over its addresses as they got it (below), not all the trigger's.
      pushed.destBytes[0] = 0;
      sum.ep = pushed;
      // Where the summed bytes went, and the weakest name among those addresses: a few bytes to the real
      // github.com do not carry an address named github.com by a command line past a host allowlist entry.
      const dests = sum.dests ?? [];
      for (let i = 0; i < dests.length; i++) {
        this.pushes.noteDest(pushed, dests[i]!, proc);
        addSent(pushed, dests[i]!, sum.destBytes?.[i] ?? 0);
      }
      if (sum.named !== null && sum.named !== 'dns' && pushed.destHost !== null) pushed.destNamed = sum.named;
    }
  }

  /**
   * The container's sum for `dest` (by host, else by ip:port; an internal CIDR's "host" is the IP itself),
   * found or made. At the cap, the new one takes the place of the one with the fewest bytes in the window:
   * the least recently active would let a sender push the sum of its real destination out with a byte
   * sent to each of a few others; this way pushing it out costs as many bytes sent to each of those.
   */
  private sumOf(c: ContainerState, dest: DestEntry, t: number): EgressSum {
    const host = dest.host !== null && dest.host !== dest.ip ? dest.host : null;
    const sums = c.egress;
    if (sums !== null) {
      for (let i = 0; i < sums.length; i++) {
        const s = sums[i]!;
        if (s.host === host && (host !== null || (s.ip === dest.ip && s.port === dest.port))) {
          if (t > s.lastMs) s.lastMs = t;
          return s;
        }
      }
    }
    const s = newEgressSum(host, dest.ip, dest.port, t);
    // Lists of exactly the right length, as in destOf: most containers never have one, a few have one or two.
    if (sums === null) c.egress = [s];
    else if (sums.length < this.cfg.caps.maxEgressDestsPerContainer) c.egress = sums.concat([s]);
    else {
      sums[this.leastSum(sums, t)] = s;
      this.egressEvicted.inc();
    }
    return s;
  }

  /** The index of the sum with the fewest bytes in the window at `t` (a pending push's last; ties: the stalest). */
  private leastSum(sums: EgressSum[], t: number): number {
    const windowMs = this.cfg.windowMs;
    let best = 0;
    let bestBytes = Number.POSITIVE_INFINITY;
    let bestMs = Number.POSITIVE_INFINITY;
    for (let i = 0; i < sums.length; i++) {
      const s = sums[i]!;
      const age = t - s.genStartMs;
      let bytes = age < windowMs ? s.bytes + s.prevBytes : age < 2 * windowMs ? s.bytes : 0;
      if (s.ep !== null && !s.ep.judged) bytes = Number.MAX_VALUE;
      if (bytes < bestBytes || (bytes === bestBytes && s.lastMs < bestMs)) {
        best = i;
        bestBytes = bytes;
        bestMs = s.lastMs;
      }
    }
    return best;
  }

  private destOf(proc: ProcState, ip: string, port: number | null, e: NetEvent): DestEntry {
    const dests = proc.dests;
    if (dests !== null) {
      for (let i = 0; i < dests.length; i++) {
        const d = dests[i]!;
        if (d.port === port && d.ip === ip) return d;
      }
    }
    const known = this.classifier.classifyIp(ip, e.timeMs);
    const time = noteTime(e.time, e.timeMs);
    const d = newDest(
      this.ips.intern(ip),
      port,
      known?.host ?? null,
      known?.from ?? null,
      known?.cls ?? null,
      time,
      e.timeMs,
    );
    // A host named in this lineage's push command line teaches us the IP it connected to.
    const host = argvPushHost(proc);
    if (host !== null && d.cls === null) {
      this.classifier.learn(ip, host, e.timeMs);
      const learned = this.classifier.classifyIp(ip, e.timeMs);
      if (learned) {
        d.host = learned.host;
        d.named = 'argv';
        d.cls = learned.cls;
      }
    }
    // Any process naming a forge/registry in its (or its parent's) argv and connecting out: that address is
    // the named host for this process (not taught to the node-wide table: a process may name a forge and
    // talk to other hosts too; only its outbound connects count, never sends to clients of a server).
    if (d.cls === null && e.net.op === 'connect' && proc.lineageHost !== null && !pushNamesOtherHost(proc)) {
      const cls = this.classifier.classifyHost(proc.lineageHost, e.timeMs);
      if (cls !== null) {
        d.host = proc.lineageHost;
        d.named = 'argv';
        d.cls = cls;
      }
    }
    // A new list of exactly the right length (new destinations are rare: most processes talk to 1-3): a
    // list grown by push() takes room for 17, ~100 bytes more for each of ~10,000 processes.
    if (dests === null) proc.dests = [d];
    else proc.dests = (dests.length >= MAX_DESTS_PER_PROC ? dests.slice(1) : dests).concat([d]);
    return d;
  }

  /**
   * A pass forgetting sockets whose process has been idle past the horizon, on its node's clock at the
   * pass's start (NodeState.sweepNowMs); sweepStep visits up to `budget` sockets, returns the budget left.
   */
  sweepStart(): void {
    this.sweep.start();
  }

  sweepStep(budget: number): number {
    return this.sweep.step(budget);
  }
}

/**
 * The host a table tool's push in this lineage named on its command line (not a tool's usual registry, nor
 * the name of a push by egress): what DestinationClassifier.learn may pair with the addresses it connects to.
 */
function argvPushHost(proc: ProcState): string | null {
  const ep = proc.episode;
  // A client whose daemon or BuildKit uploads connects to that builder, not to the registry its argv names
  // (a remote builder on a public address would be taken for the registry, node-wide, for ipHintTtlMs); a push
  // reading a benign one outranks (PushRecognition.argvOutranked) may be `helm upgrade` talking to its apiserver.
  if (pushNamesOtherHost(proc)) return null;
  if (ep !== null && !ep.byEgress && ep.destNamed === 'argv') return teaches(ep.proc.push) ? ep.destHost : null;
  const r = proc.push;
  return r !== null && !r.destinationDefault && teaches(r) ? r.destinationHost : null;
}

/** The lineage's table push names another host besides its destination (./other-hosts.ts). */
function pushNamesOtherHost(proc: ProcState): boolean {
  const ep = proc.episode;
  if (ep !== null && !ep.byEgress && ep.destNamed === 'argv') return namesOtherHost(ep.proc.args, ep.destHost);
  const r = proc.push;
  return r !== null && !r.destinationDefault && namesOtherHost(proc.args, r.destinationHost);
}

const teaches = (r: PushRecognition | null) => r?.viaBuilder !== true && r?.argvOutranked !== true;

/** Notes where a sum's bytes went (its first 4 addresses, with their bytes) and the weakest naming among them. */
function noteContributor(sum: EgressSum, dest: DestEntry, bytes: number): void {
  const dests = sum.dests;
  if (dests === null) {
    sum.dests = [dest];
    sum.destBytes = [bytes];
  } else {
    // By address: each process has its own entry for one ip:port.
    const i = dests.findIndex((d) => d.ip === dest.ip && d.port === dest.port);
    if (i >= 0) sum.destBytes![i]! += bytes;
    else if (dests.length < 4) {
      dests.push(dest);
      sum.destBytes!.push(bytes);
    }
  }
  if (sum.named === null || (sum.named === 'dns' && dest.named !== null)) sum.named = dest.named;
}

/** Falco's `udp`, Tetragon's `IPPROTO_UDP`. */
function isUdp(protocol: string | null | undefined): boolean {
  return protocol === 'udp' || protocol === 'IPPROTO_UDP';
}
