/**
 * Push episodes: a push recognised from argv (the push-tool table) or from egress volume, the steps that
 * join it (helpers, connects, bytes sent, the host daemon's egress for docker.sock), waiting in their
 * node's pending list until judged. Runs only on push-related events, not on every read.
 */
import { isIP } from 'node:net';
import type { ActivityEvent, NetEvent } from '../model/normalized-event.js';
import { basename } from '../rules/argv.js';
import { pushTools } from '../rules/index.js';
import { isUnexpectedLocation } from '../rules/locations.js';
import type { PushRecognition } from '../rules/recognize.js';
import { stepNamesOtherRepository } from './allowlist-paths.js';
import { eventParentOf } from './ancestry.js';
import { ARGV_CUT_NOTE, cmdline } from './command-line.js';
import type { CorrelatorConfig } from './config.js';
import { type DestinationClassifier, type DestNaming, isLocalAddress } from './destinations.js';
import { repeatedStep, sameProcess, twinPush } from './dual-sensor.js';
import { beyondClockJump } from './node-clock.js';
import { namesOtherHost } from './other-hosts.js';
import { notePipePush } from './pipeline.js';
import { parentStandIn } from './proc-state.js';
import { addOtherRemote, addSent, formatAddr, listDest } from './push-dests.js';
import {
  addNodePending,
  type ContainerState,
  type DestEntry,
  type NodeState,
  newDest,
  type ProcState,
  type PushEpisode,
} from './state.js';
import { timeText } from './times.js';

const MAX_EPISODE_EVIDENCE = 12;
const BRIDGE_DAEMONS = new Set(['dockerd', 'containerd', 'buildkitd', 'docker-containerd']);

/** Table binaries → their tool (egress pushes by these are expected; by any other binary, unexpected). */
const KNOWN_TOOL = new Map<string, string>();
for (const spec of pushTools) {
  if (spec.runtime === true) continue;
  for (const b of [...spec.binaries, ...(spec.usualBinaries ?? [])]) {
    if (b.includes('*') || KNOWN_TOOL.has(b)) continue;
    KNOWN_TOOL.set(b, spec.tool === 'script' ? b : spec.tool);
  }
}
function toolOf(binary: string | null): { tool: string; known: boolean } {
  const name = basename(binary);
  const known = KNOWN_TOOL.get(name);
  if (known) return { tool: known, known: true };
  if (/^python[0-9.]*$/.test(name)) return { tool: 'python', known: true };
  return { tool: name || 'unknown', known: false };
}

export interface PushTrackerDeps {
  /** Judges a push for good now. */
  judge: (ep: PushEpisode) => void;
  /** Judges a push now, before its time, and has it judged again at its time when it may turn graver. */
  judgeEarly: (ep: PushEpisode) => void;
  /** A push judged early was judged for good before its time, to watch a newer one. */
  earlyEvicted: { inc(): void };
}

export class PushTracker {
  /** Stand-ins made for the unseen parent of a helper (parentStub): a later event of that process joins. */
  private readonly stubs = new WeakSet<ProcState>();

  constructor(
    private readonly cfg: CorrelatorConfig,
    private readonly classifier: DestinationClassifier,
    private readonly deps: PushTrackerDeps,
  ) {}

  /** A process recognised as a push by the table: a new push, or a step of one already pending. */
  recognized(proc: ProcState, r: PushRecognition, e: ActivityEvent, c: ContainerState): void {
    const unsure = r.argvCut
      ? ARGV_CUT_NOTE
      : r.argvOutranked === true
        ? ' [a push in one grouping of its spaced words; a likelier reading is no push]'
        : '';
    const item = { timeMs: e.timeMs, time: e.time, binary: proc.binary, detail: `${cmdline(proc)}${unsure}` };
    let ep = proc.episode;
    // Falco has no exec ids: without lineage (an event naming no parent at all), a second push-shaped
    // process of the same tool right after the first (git → git-remote-https → send-pack) is the same push.
    // Not one whose event names a parent, seen or not (a sibling push from the same shell, or from a
    // subshell whose fork no sensor reports, is another push: `git push evil` after `git push
    // https://github.com/…`), nor one naming another host.
    if (ep === null) {
      const noLineage = e.process.ppid == null && e.process.parentExecId == null;
      ep =
        c.pending.find(
          (x) =>
            !x.judged &&
            x.tool === r.tool &&
            Math.abs(e.timeMs - x.timeMs) <= this.cfg.pushSettleMs &&
            // The stand-in made for its helper, seen first (its own exec was lost), or a push without lineage.
            // The stand-in is that process only if its helper's event named it exactly: same pid, binary and
            // command line (`exec git push evil` in a subshell that ran a helper is not).
            ((this.stubs.has(x.proc) &&
              x.proc.pid === proc.pid &&
              x.proc.binary === proc.binary &&
              x.proc.args === e.process.args) ||
              (noLineage && (x.destHost === null || r.destinationHost === null || x.destHost === r.destinationHost))),
        ) ?? null;
    }
    // Both sensors on the node: the other sensor's report of this very push (same host pid) is the same push.
    const twin = ep === null ? twinPush(c, r, proc, e.source, e.timeMs, e.process.ppid, this.cfg.pushSettleMs) : null;
    if (twin !== null) {
      ep = twin;
      ep.twinned = true;
    }
    if (ep !== null) {
      proc.episode = ep;
      if (ep.judged) return;
      if (!r.argvCut && r.argvRegrouped !== true) ep.awaitsWholeStep = false;
      // Its exec is in the evidence already, as the other sensor saw it.
      if (twin === null) this.addEvidence(ep, { ...item, kind: 'exec' });
      if (ep.destHost === null && r.destinationHost !== null) {
        ep.destHost = r.destinationHost;
        ep.destNamed = namingOf(r);
      }
      if (r.remote !== null && (ep.remote === null || (!ep.remote.includes('/') && r.remote.includes('/'))))
        ep.remote = r.remote;
      if (r.remote !== null && stepNamesOtherRepository(ep.remote, r.remote, ep.destHost))
        addOtherRemote(ep, r.remote, r.destinationHost);
      if (r.renamed && !ep.renamed) {
        ep.renamed = true;
        ep.odd = oddOf(r, proc, proc.parent ?? proc);
      }
      if (r.stdin) notePipePush(c, proc, ep);
      return;
    }
    // A transport helper of a push by an unknown binary: the pushing process is that parent.
    let pusher = proc;
    if (r.spec.match.kind === 'helper-of-push') {
      pusher = proc.parent ?? this.parentStub(proc, e);
      // An unremarkable parent's command line is not kept (processes.ts): the event carries it.
      if (pusher.args === null) pusher.args = e.process.parentArgs ?? null;
    }
    ep = this.newEpisode(pusher, c, e, {
      odd: r.renamed || r.unexpectedLocation ? oddOf(r, proc, pusher) : null,
      eventParent: pusher === proc ? eventParentOf(e) : null,
      uid: e.process.uid ?? null,
      tool: r.tool,
      remote: r.remote,
      destHost: r.destinationHost,
      destNamed: r.destinationHost !== null ? namingOf(r) : null,
      renamed: r.renamed,
      unexpected: r.unexpectedLocation,
      byEgress: false,
      egressSplit: false,
      bridged: r.spec.bridged === true,
    });
    proc.episode = ep;
    pusher.episode = ep;
    if (r.otherRemotes !== undefined) ep.otherRemotes = [...r.otherRemotes];
    ep.awaitsWholeStep = (r.argvCut || r.argvRegrouped === true) && r.spec.cutArgvNeedsStep === true;
    this.addEvidence(ep, { ...item, kind: 'push' });
    if (r.stdin) notePipePush(c, proc, ep);
  }

  /** The parent of a helper whose parent is not in the table: a copy of the helper as that parent. */
  private parentStub(proc: ProcState, e: ActivityEvent): ProcState {
    const stub = parentStandIn(proc, e);
    this.stubs.add(stub);
    return stub;
  }

  private newEpisode(
    proc: ProcState,
    c: ContainerState,
    e: ActivityEvent,
    what: Pick<
      PushEpisode,
      | 'tool'
      | 'remote'
      | 'destHost'
      | 'destNamed'
      | 'renamed'
      | 'unexpected'
      | 'odd'
      | 'byEgress'
      | 'egressSplit'
      | 'bridged'
      | 'eventParent'
      | 'uid'
    >,
  ): PushEpisode {
    const node = c.node;
    const span = what.bridged ? Math.max(this.cfg.pushSettleMs, this.cfg.bridgeSpanMs) : this.cfg.pushSettleMs;
    const ep: PushEpisode = {
      ...what,
      node,
      container: c,
      proc,
      destAddr: null,
      dests: [],
      destBytes: [],
      timeMs: e.timeMs,
      time: e.time,
      source: e.source,
      twinned: false,
      otherRemotes: [],
      egressBytes: 0,
      bridgedBytes: 0,
      egressSeen: false,
      evidence: [],
      dueMs: e.timeMs + span + this.cfg.latenessMs,
      // A push arriving later than the lateness, or stamped beyond a jump of its node's clock (one the clock
      // did not take: ./node-clock.ts beyondClockJump), waits on the clock from where it is: judged at its own time, one in
      // 2999 was held until shutdown.
      judgeAtMs:
        node.maxMs - e.timeMs > this.cfg.latenessMs || beyondClockJump(node, e.timeMs)
          ? node.maxMs + span + this.cfg.latenessMs
          : e.timeMs + span + this.cfg.latenessMs,
      judged: false,
      awaitsWholeStep: false,
      early: null,
      lateSubBytes: 0,
      lateSubFiles: 0,
      lateAddBytes: 0,
      lateAddFiles: 0,
      settleLastMs: Number.NEGATIVE_INFINITY,
      lateLastMs: Number.NEGATIVE_INFINITY,
      stdinProc: null,
      stdinParent: null,
      stdinFeed: 'none',
      exempt: null,
    };
    if (c.pending.length >= this.cfg.caps.maxPendingPushesPerContainer) this.makeRoom(c);
    c.addPending(ep);
    addNodePending(node, ep);
    if (ep.judgeAtMs < node.nextDueMs) node.nextDueMs = ep.judgeAtMs;
    if (ep.bridged) node.bridgeWaiting.push(ep);
    return ep;
  }

  /**
   * A new push in container `c`, whose pending list holds caps.maxPendingPushesPerContainer pushes or more.
   * When that many are waiting, the oldest is judged early and watched until its time (engine.ts
   * judgeEarly): four quick pushes after a real one must not decide its rule before its own reads. As
   * many again are watched at most; past that, the watched push whose time is nearest (the least of its
   * watch lost) is judged for good now, and counted.
   */
  private makeRoom(c: ContainerState): void {
    const cap = this.cfg.caps.maxPendingPushesPerContainer;
    let waiting = 0;
    let watched = 0;
    let oldest: PushEpisode | null = null;
    let nearest: PushEpisode | null = null;
    for (const ep of c.pending) {
      if (ep.early === null) {
        waiting++;
        if (oldest === null) oldest = ep;
      } else {
        watched++;
        if (nearest === null || ep.judgeAtMs < nearest.judgeAtMs) nearest = ep;
      }
    }
    if (waiting < cap || oldest === null) return;
    if (watched >= cap && nearest !== null) {
      this.deps.earlyEvicted.inc();
      this.deps.judge(nearest);
    }
    this.deps.judgeEarly(oldest);
  }

  private addEvidence(ep: PushEpisode, item: PushEpisode['evidence'][number]): void {
    if (repeatedStep(ep, item)) return;
    if (ep.evidence.length < MAX_EPISODE_EVIDENCE) ep.evidence.push(item);
  }

  /**
   * Many bytes to one forge/registry destination: a push whatever the program. `bytes` were sent by `proc`
   * alone, or (`split`) by several of the container's processes together, `proc`'s send the last of them.
   */
  egressPush(
    proc: ProcState,
    dest: DestEntry,
    bytes: number,
    split: boolean,
    e: NetEvent,
    c: ContainerState,
  ): PushEpisode {
    dest.flagged = true;
    // CIDR-classed destinations have no name: the alert then names ip:port.
    const named = dest.host !== null && isIP(dest.host) === 0;
    // Any process can push by egress; its command line is kept from now on (processes.ts drops most).
    if (proc.args === null) proc.args = e.process.args;
    const { tool, known } = toolOf(proc.binary);
    const unexpected = !known || isUnexpectedLocation(proc.binary);
    const ep = this.newEpisode(proc, c, e, {
      tool,
      remote: null,
      eventParent: eventParentOf(e),
      uid: e.process.uid ?? null,
      destHost: named ? dest.host : null,
      destNamed: named ? dest.named : null,
      renamed: false,
      unexpected,
      odd: unexpected ? { proc, as: tool } : null,
      byEgress: true,
      egressSplit: split,
      bridged: false,
    });
    proc.episode = ep;
    ep.egressBytes = bytes;
    ep.egressSeen = true;
    dest.noted = true;
    ep.destAddr = formatAddr(dest.ip, dest.port);
    ep.dests.push(dest);
    ep.destBytes.push(bytes);
    this.addEvidence(ep, {
      timeMs: e.timeMs,
      time: e.time,
      kind: 'push',
      binary: proc.binary,
      detail: `${bytes} bytes sent to ${ep.destAddr}${dest.host ? ` (${dest.host}, ${dest.cls})` : ''} by ${split ? `processes of the container, the last ${cmdline(proc)}` : cmdline(proc)}`,
    });
    return ep;
  }

  /** A push's process connected or sent to a destination: evidence once, and learn its IP. */
  noteDest(ep: PushEpisode, dest: DestEntry, proc: ProcState): void {
    if (proc === ep.proc) ep.awaitsWholeStep = false;
    if (dest.noted) return;
    dest.noted = true;
    const addr = formatAddr(dest.ip, dest.port);
    // The resolver (DNS over TCP after a truncated answer) names no destination while another address can.
    if (ep.destAddr === null || (ep.destAddr.endsWith(':53') && dest.port !== 53)) ep.destAddr = addr;
    listDest(ep, dest);
    if (!ep.byEgress && ep.destNamed === 'argv' && dest.cls === null && !namesOtherHost(ep.proc.args, ep.destHost))
      this.classifier.learn(dest.ip, ep.destHost!, dest.timeMs);
    // Both sensors on the node: the pushing process's connect, as the other sensor reports it, is shown once.
    if (proc !== ep.proc && sameProcess(proc, ep.proc)) return;
    this.addEvidence(ep, {
      timeMs: dest.timeMs,
      time: timeText(dest.time, dest.timeMs),
      kind: 'connect',
      binary: proc.binary,
      detail: `${addr}${dest.host ? ` (${dest.host}, ${dest.cls})` : ''}`,
    });
  }

  /** docker.sock bridging: the host daemon's egress shortly after a `docker push` in a container on the node. */
  hostNet(e: NetEvent, node: NodeState): void {
    const n = e.net;
    if (n.op === 'close' || n.daddr === null || isLocalAddress(n.daddr)) return;
    if (!BRIDGE_DAEMONS.has(basename(e.process.binary))) return;
    const t = e.timeMs;
    for (const ep of node.bridgeWaiting) {
      if (ep.judged || t < ep.timeMs - 1000 || t > ep.timeMs + this.cfg.bridgeSpanMs) continue;
      const known = this.classifier.classifyIp(n.daddr, t);
      if (known !== null && known.cls === 'forge') continue;
      // The daemon's own entry: the push's address with the same ip:port keeps the push's bytes.
      let dest = ep.dests.find((d) => d.byDaemon && d.ip === n.daddr && d.port === n.dport);
      if (dest === undefined) {
        dest = newDest(n.daddr, n.dport, known?.host ?? null, known?.from ?? null, known?.cls ?? null, e.time, t);
        dest.flagged = true;
        dest.noted = true;
        // The daemon's, linked to this push by time on the node only: not the push's own address, and not
        // taught as its host (it may be another pod's push).
        dest.byDaemon = true;
        listDest(ep, dest);
        this.addEvidence(ep, {
          timeMs: t,
          time: e.time,
          kind: 'bridge-egress',
          binary: e.process.binary,
          detail: `${basename(e.process.binary)} on the host ${n.op === 'connect' ? 'connected' : 'sent'} to ${formatAddr(n.daddr, n.dport)}${known ? ` (${known.host})` : ''} for the docker push`,
        });
      }
      if (n.op === 'send') {
        const bytes = n.bytes !== null && n.bytes > 0 ? n.bytes : 0;
        dest.bytes += bytes;
        ep.egressBytes += bytes;
        ep.bridgedBytes += bytes;
        addSent(ep, dest, bytes);
        ep.egressSeen = true;
      }
      return;
    }
  }
}

/** How a recognised push's destination host was named. */
function namingOf(r: PushRecognition): DestNaming {
  return r.destinationDefault ? 'default' : 'argv';
}

/**
 * Which process is odd about a recognised push: for a transport helper under a renamed git, the git
 * (`pusher`); otherwise the recognised process itself (a renamed ssh client, a tool run from /tmp).
 */
function oddOf(r: PushRecognition, proc: ProcState, pusher: ProcState): { proc: ProcState; as: string } {
  if (r.spec.match.kind === 'helper-of-push') return r.renamed ? { proc: pusher, as: r.tool } : { proc, as: r.tool };
  return { proc, as: r.renamed ? (r.spec.usualBinaries?.[0] ?? r.tool) : r.tool };
}
