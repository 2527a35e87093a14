/**
 * Judging one push once its lateness has passed: gather the container's reads in the window, let the rules
 * name it, then allowlist, suppression, and the alert.
 */
import type { Counter } from 'prom-client';
import { type Alert, SEVERITIES, type Severity } from '../model/alert.js';
import { rules as defaultRules, type PushFacts, type RuleDefinition, type RuleThresholds } from '../rules/index.js';
import type { PushRecognition } from '../rules/recognize.js';
import type { PushToolSpec } from '../rules/types.js';
import type { Logger } from '../telemetry/logger.js';
import { buildAlert, destinationOf, suppressionDestination } from './alert-builder.js';
import {
  ALLOWLIST_BYTES_MIN,
  type CompiledAllowlist,
  coverDestinations,
  nearlyAllTo,
  type SentTo,
} from './allowlist.js';
import { extractionReadsFor } from './archive-extractions.js';
import type { ReadBuckets } from './buckets.js';
import type { CorrelatorConfig } from './config.js';
import { storagePushCounted, storageReadsFor } from './container-storage.js';
import { isPrivateAddress } from './destinations.js';
import { redact } from './redact.js';
import { reportPastBound } from './report-bound.js';
import type { DestEntry, FileEntry, PushEpisode, SensitiveEntry } from './state.js';
import { stdinFed } from './stdin-fed.js';
import type { Suppressor } from './suppression.js';

export interface JudgeContext {
  config: CorrelatorConfig;
  thresholds: RuleThresholds;
  bucketMs: number;
  /** Every container's read buckets. */
  buckets: ReadBuckets;
  allowlist: CompiledAllowlist;
  suppressor: Suppressor;
  logger: Logger;
  alertsSuppressed: Counter<'rule'>;
  alertsAllowlisted: Counter<'rule'>;
  allowlistMatches: Counter<'reason'>;
  /** Whether DNS answered `host` for `ip` (DestinationClassifier.isDnsName). */
  isDnsName: (ip: string, host: string) => boolean;
  /** Whether DNS answered for `host` at all (DestinationClassifier.hasDnsAnswers). */
  hasDnsAnswers: (host: string) => boolean;
  rules?: readonly RuleDefinition[];
}

/** What judging a push named, and the alert it raised (null: allowlisted, suppressed or not graver). */
export interface Judgement {
  rule: string;
  /** The severity's rank in SEVERITIES. */
  rank: number;
  allowlisted: boolean;
  alert: Alert | null;
}

/**
 * Judges a push on the reads seen so far. A push judged early (`ep.early`) and judged again raises an
 * alert only when graver than it was then: the same or a lower severity is the alert already sent (with
 * a lower bound of the reads), and goes neither to the allowlist nor to suppression a second time.
 */
export function judgeEpisode(ep: PushEpisode, ctx: JudgeContext): Judgement | null {
  if (!unsureArgvPushLeft(ep, ctx)) return null;
  const { config } = ctx;
  const c = ep.container;
  const fromMs = ep.timeMs - config.windowMs;
  const toMs = ep.timeMs + config.pushSettleMs;
  const sums = ctx.buckets.sum(c, fromMs, toMs);
  // Buckets are coarse at the push's end of the window: take out other processes' reads after the settle
  // time that share the last bucket, add the push's own reads while it was pending (ReadTracker.notePending).
  // buildah's and podman's storage reads, kept aside, count for other tools' pushes (./container-storage.ts).
  const storage = storageReadsFor(ep, fromMs, toMs, ctx.bucketMs);
  // So do archives' extractions, all or up to what pushes sent past the counted reads (./archive-extractions.ts).
  // A daemon's upload bridged to a docker push is linked by time on the node, not by registry: it may be
  // another container's push, so it is shown in the alert but never decides its rule.
  const egressBytes = ep.egressSeen ? ep.egressBytes - ep.bridgedBytes : 0;
  const counted = sums.bytes - ep.lateSubBytes + ep.lateAddBytes + storage.bytes;
  const horizonMs = config.windowMs + config.pushSettleMs + config.latenessMs;
  const extractionWindow = { fromMs, toMs, bucketMs: ctx.bucketMs, horizonMs };
  const extracted = extractionReadsFor(ep, extractionWindow, ep.egressSeen ? egressBytes : null, counted);
  const readBytes = counted + extracted.bytes;
  // Fractional past the exact range (distinct-files.ts estimates), so rounded.
  const readFiles = Math.max(
    0,
    Math.round(sums.files - ep.lateSubFiles + ep.lateAddFiles + storage.files + extracted.files),
  );
  const inWindow = (f: FileEntry) => (f.lastMs >= fromMs && f.firstMs <= toMs) || f.pushEp === ep;
  const sensitive = (c.sensitive ?? [])
    .filter((f) => inWindow(f) && !routineSecret(f, ep, fromMs, toMs))
    .sort((a, b) => a.firstMs - b.firstMs);
  const top: FileEntry[] = [];
  if (c.top) {
    for (let i = 0; i < c.top.length; i++) {
      const f = c.top.entry(i);
      if (inWindow(f)) top.push(f);
    }
    // Sized files first, biggest first; files the sensor gave no size for (Falco's opens, and mmap, which
    // Falco cannot size) fill what is left, latest first: without them the Falco form of a git push of
    // mapped files named no file at all, where the Tetragon form named what the push carried.
    top.sort((a, b) => b.bytes - a.bytes || (a.bytes === 0 ? b.lastMs - a.lastMs : 0));
    top.length = Math.min(top.length, config.reads.topFiles);
  }
  const archives = (c.archives ?? []).filter((a) => a.timeMs >= fromMs && a.timeMs <= toMs);
  const facts: PushFacts = {
    readBytes,
    readFiles,
    sensitiveFiles: sensitive.length,
    archiveStaging: archives.length > 0,
    renamedOrUnexpected: ep.renamed || ep.unexpected,
    egressBytes,
  };
  const rule = (ctx.rules ?? defaultRules).find((r) => r.matches(facts, ctx.thresholds));
  if (!rule) return null;
  const severity: Severity = rule.severity(facts, ctx.thresholds);
  const rank = SEVERITIES.indexOf(severity);
  const early = ep.early;
  if (early !== null && rank <= early.rank) return { rule: rule.id, rank, allowlisted: false, alert: null };
  const destination = destinationOf(ep);

  const sent = allowlistBytes(ep);
  const cover = coverDestinations(
    ctx.allowlist,
    {
      namespace: c.pod?.namespace ?? null,
      pod: c.pod?.name ?? null,
      podLabels: c.pod?.labels ?? {},
      image: c.ref.image,
      binary: ep.proc.binary,
      destinationHost:
        allowlistHost(ep, ctx, sent) ??
        (ep.destAddr && !viaBuilder(ep) ? ep.destAddr.replace(/:\d+$/, '').replace(/^\[|\]$/g, '') : null),
      destinationIps: allowlistIps(ep),
      destinationRemote: ep.byEgress ? null : ep.remote,
      pushTool: ep.tool,
      ...sent,
    },
    ep.otherRemotes,
    ep.remote ?? destination ?? 'its destination',
    ep.byEgress ? null : ep.destHost,
  );
  if (cover.uncovered.length === 0) {
    ctx.alertsAllowlisted.labels(rule.id).inc();
    // Once per reason: two entries written with one reason (ghcr.io's and quay.io's, 'release') exempt one push.
    const reasons = [...new Set(cover.entries.map((entry) => entry.reason))];
    for (const reason of reasons) ctx.allowlistMatches.labels(reason).inc();
    const reason = reasons.join('; ');
    ctx.logger.info({ ...pushLogFields(ep, rule.id, severity, destination), reason }, 'push allowlisted');
    return { rule: rule.id, rank, allowlisted: true, alert: null };
  }
  // What went into buildah's storage counts for one push, not for an allowlisted decoy (./storage-ingest.ts).
  storagePushCounted(ep);

  const suppressed = ctx.suppressor.admit(
    `${rule.id}\u0000${c.key}\u0000${suppressionDestination(ep)}`,
    ep.timeMs,
    ep.node.maxMs,
    rank,
  );
  if (suppressed === null) {
    ctx.alertsSuppressed.labels(rule.id).inc();
    // Counted, and carried on the key's next alert; said here too, since that alert may never come.
    ctx.logger.info(
      pushLogFields(ep, rule.id, severity, destination),
      'push suppressed: a repeat of an alert sent within suppressionMs',
    );
    return { rule: rule.id, rank, allowlisted: false, alert: null };
  }

  let startMs = Math.min(ep.timeMs, sums.firstMs, sensitive[0]?.firstMs ?? Number.POSITIVE_INFINITY);
  if (startMs < fromMs) startMs = fromMs;
  // The last bucket's latest read may be after the settle time: the exact times come from notePending
  // (the bucket's only when it is inside the window, e.g. reads that arrived before their push).
  const endMs = Math.max(ep.timeMs, ep.settleLastMs, ep.lateLastMs, sums.lastMs <= toMs ? sums.lastMs : ep.timeMs);
  const alert = buildAlert({
    episode: ep,
    rule: rule.id,
    severity,
    escalates: early === null ? null : { rule: early.rule, severity: SEVERITIES[early.rank] ?? 'info' },
    readBytes,
    readFiles,
    top,
    sensitive,
    archives,
    windowStartMs: startMs,
    windowEndMs: endMs,
    windowMs: config.windowMs,
    // Not only from window.start: that is the first read *seen*, and a loss that took the reads before the
    // push (every one, or the earliest) left it after the loss. From the container's first event seen, in
    // the window: a loss before the container was seen at all marks alerts only in its window.start (every
    // alert of a node whose queue overflowed in the last windowMs would say degraded otherwise).
    degraded: spansGap(ep.node.gaps, Math.max(fromMs, Math.min(startMs, c.firstMs)), toMs),
    suppressed,
    maxEvidence: config.caps.maxEvidence,
    notAllowlisted: cover.entries.length > 0 ? cover.uncovered : [],
  });
  return { rule: rule.id, rank, allowlisted: false, alert };
}

/**
 * The host an allowlist `destination` entry may match: the one argv named, or for a push by egress the name
 * DNS gave its address. A push by egress named by a hint or its lineage's argv (the process's own words:
 * `--endpoint https://trusted.example` while it sends elsewhere) is matched by its address only.
 */
function allowlistHost(ep: PushEpisode, ctx: JudgeContext, sent: AllowlistBytes): string | null {
  const host = ep.destHost;
  if (host === null || !ep.byEgress) return host;
  if (ep.destNamed !== 'dns') return null;
  if (sent.sentBytes >= ALLOWLIST_BYTES_MIN) {
    // Nearly all its bytes to addresses DNS gave for that host (addresses past those kept count as others).
    return nearlyAllTo(sent.destinationSent, sent.sentBytes, (ip) => ctx.isDnsName(ip, host)) ? host : null;
  }
  const own = ownDests(ep);
  return own.length > 0 && own.every((d) => ctx.isDnsName(d.ip, host)) ? host : null;
}

/**
 * A push taken from a command line the sensor cut (recognize.ts cutArgvPush) is one only once its process
 * connected somewhere off the node (`git commit -m <4 KiB>` never does), and a generic uploader's (curl, wget)
 * only to a destination classed as a forge or registry, as its URL would have had to be: a `curl -d <5 KiB>`
 * to a log collector is no push, with its URL seen or not; so is a generic uploader's whose URL hides its host
 * (curl's `--expand-url https://{{H}}/…`, red-team review). git's, whose helper connects for a fetch as for a
 * push, only once a step seen whole joined it or it connected itself (PushEpisode.awaitsWholeStep); so is one
 * read from another grouping of its spaced words (../rules/joined-argv.ts: a bot's `git -c user.name=bot commit
 * -m "push release notes"` also reads as a push to remote `release`, and runs no step). A bridged one (docker)
 * that connected nowhere itself, only once its daemon's linked upload to a classed destination reached
 * egressPushMinBytes, the bytes that make an upload to one a push by themselves.
 *
 * A push read from a grouping a likelier benign one outranks (PushRecognition.argvOutranked: `helm --kube-context
 * "prod upgrade" --kube-as-user x=y push …` also reads as `helm … upgrade --kube-as-user "x=y push" …`) is judged
 * as a cut generic uploader's is: only once its own processes connected to a classed destination (the benign
 * reading, `helm upgrade`, talks to the kube-apiserver); for a client whose daemon uploads (docker), whose own
 * connections say nothing of a registry, once that daemon's linked upload reached egressPushMinBytes.
 * A call that only reports back (PushRecognition.reportsOnly) is one only past its container's bound (./report-bound.ts).
 */
function unsureArgvPushLeft(ep: PushEpisode, ctx: JudgeContext): boolean {
  const r = ep.proc.push;
  if (r === null || ep.byEgress) return true;
  if (ep.awaitsWholeStep || !stdinFed(ep, ep.container) || !reportPastBound(ep)) return false;
  const outranked = r.argvOutranked === true;
  // A generic uploader whose URL hides its host (curl's `--expand-url https://{{H}}/…`) names none.
  const hostHidden = r.spec.requiresClassedDestination && r.destinationHost === null;
  if (!r.argvCut && !outranked && !hostHidden) return true;
  if (ep.destAddr === null || (outranked && r.viaBuilder === true))
    return ep.bridged && bridgedToClassed(ep) >= ctx.config.egressPushMinBytes;
  const classedOnly = outranked || r.spec.requiresClassedDestination || goalsAnywhere(r.spec);
  if (!classedOnly) return true;
  if (!outranked) return ownDests(ep).some((d) => d.cls !== null);
  return ownDests(ep).some((d) => (d.cls !== null ? !namedByWordsOnly(d, ctx) : unclassedNamedHost(d, r, ctx)));
}

/**
 * A public address an outranked push reached when the host its reading names is one nothing classes (no class, no
 * DNS answers): an attacker's own registry or forge (`oci://cr.evil.example/x`), a push when read plainly, was
 * missed mirrored (found by review). As for a glob-known registry (namedByWordsOnly), nothing else can class that
 * address, so it counts; a private one may be the in-cluster apiserver the benign reading talks to.
 */
function unclassedNamedHost(d: DestEntry, r: PushRecognition, ctx: JudgeContext): boolean {
  const host = r.destinationHost;
  return host !== null && !isPrivateAddress(d.ip) && !ctx.hasDnsAnswers(host);
}

/**
 * An address only the process's own words class (network.ts destOf: a lineage's connection is named by the host
 * its argv names), where they may be the benign text's (`--set-string "msg=helm push … oci://ghcr.io/…"` names
 * ghcr.io for `helm upgrade`'s connection to its apiserver): private (an in-cluster apiserver, a proxy), or not
 * among the addresses DNS answered for that host. A public one of a host DNS cannot answer for (a registry known
 * by a glob, `*.dkr.ecr.*.amazonaws.com`) has nothing better to class it, and counts.
 */
function namedByWordsOnly(d: DestEntry, ctx: JudgeContext): boolean {
  if (d.named !== 'argv') return false;
  return d.host === null || isPrivateAddress(d.ip) || ctx.hasDnsAnswers(d.host);
}

/**
 * A build tool whose goals or tasks sit anywhere in argv (`mvn -B clean verify -D<4 KiB>`): no visible word
 * says a cut run deploys nothing, and every run connects out for its dependencies (Maven Central is neither
 * forge nor registry), so a cut one is a push only to a classed destination, as a generic uploader's is;
 * otherwise every long-argv build on a Falco node would be one on its first connection.
 */
function goalsAnywhere(spec: PushToolSpec): boolean {
  return spec.match.kind === 'subcommand' && spec.match.commands.some((c) => c.goal !== undefined);
}

/**
 * Bytes the node's docker daemon sent to registries and internal destinations (forges are never linked),
 * linked to this push by docker.sock bridging: a cut docker CLI never connects off the node itself (its
 * daemon uploads), so this is the only sign it pushed. Bytes, not a connection: a `docker build` or `docker
 * run` pulling its images connects to the same registries, sending only its requests (well under
 * egressPushMinBytes).
 */
function bridgedToClassed(ep: PushEpisode): number {
  let bytes = 0;
  for (let i = 0; i < ep.dests.length; i++) {
    const d = ep.dests[i]!;
    if (d.byDaemon && d.cls !== null) bytes += ep.destBytes[i] ?? 0;
  }
  return bytes;
}

/** The push's own addresses; a docker daemon's bridged upload only when it has none (linked by time only). */
function ownDests(ep: PushEpisode): DestEntry[] {
  const own = ep.dests.filter((d) => !d.byDaemon);
  return own.length > 0 ? own : ep.dests;
}

/**
 * A push a daemon or BuildKit uploads for its client (PushRecognition.viaBuilder): the client's own addresses
 * are that daemon's or builder's, not the registry's: `buildctl --addr tcp://buildkitd:1234 build --output
 * type=image,name=ghcr.io/evil/x,push=true` (also buildx's remote and kubernetes drivers, `DOCKER_HOST=tcp://…`)
 * sends its context to BuildKit's cluster address, which an entry for an internal registry's range
 * (`10.0.0.0/8`) must not take for a push to that range. Its own bytes still count among what it sent (a
 * credential helper's bulk sent elsewhere), never as sent into a range.
 */
function viaBuilder(ep: PushEpisode): boolean {
  return !ep.byEgress && ep.proc.push?.viaBuilder === true;
}

/**
 * The push's addresses for a CIDR entry without bytes to weigh: not the resolver's (port 53) while others
 * exist; for a client whose daemon or builder uploads, only the host daemon's bridged upload.
 */
function allowlistIps(ep: PushEpisode): string[] {
  const own = viaBuilder(ep) ? ep.dests.filter((d) => d.byDaemon) : ownDests(ep);
  const notResolver = own.filter((d) => d.port !== 53);
  return (notResolver.length > 0 ? notResolver : own).map((d) => d.ip);
}

/**
 * What the push sent to each of its addresses, and in all (the daemon's share only with no own address; for
 * a client whose daemon or builder uploads, both, its own marked toBuilder).
 */
interface AllowlistBytes {
  destinationSent: SentTo[];
  sentBytes: number;
}

function allowlistBytes(ep: PushEpisode): AllowlistBytes {
  const sent: SentTo[] = [];
  if (viaBuilder(ep)) {
    for (let i = 0; i < ep.dests.length; i++) {
      const d = ep.dests[i]!;
      const bytes = ep.destBytes[i] ?? 0;
      sent.push(d.byDaemon ? { ip: d.ip, bytes } : { ip: d.ip, bytes, toBuilder: true });
    }
    return { destinationSent: sent, sentBytes: ep.egressSeen ? ep.egressBytes : 0 };
  }
  const own = ep.dests.some((d) => !d.byDaemon);
  for (let i = 0; i < ep.dests.length; i++) {
    const d = ep.dests[i]!;
    if (!own || !d.byDaemon) sent.push({ ip: d.ip, bytes: ep.destBytes[i] ?? 0 });
  }
  const total = !ep.egressSeen ? 0 : own ? ep.egressBytes - ep.bridgedBytes : ep.bridgedBytes;
  return { destinationSent: sent, sentBytes: total };
}

function spansGap(gaps: readonly number[], fromMs: number, toMs: number): boolean {
  for (let i = 0; i + 1 < gaps.length; i += 2) if (gaps[i]! <= toMs && gaps[i + 1]! >= fromMs) return true;
  return false;
}

/** What a log line about a push that raised no alert (allowlisted, suppressed) says about it. */
function pushLogFields(ep: PushEpisode, rule: string, severity: Severity, destination: string | null) {
  const c = ep.container;
  return {
    rule,
    severity,
    node: ep.node.name,
    namespace: c.pod?.namespace ?? null,
    pod: c.pod?.name ?? null,
    container: c.ref.id,
    tool: ep.tool,
    destination: redact(destination),
    remote: redact(ep.remote),
  };
}

/**
 * A credential in routine use, not read for the push: every read of it in the window was by one process
 * that has been re-reading it since before the window (reads each within windowMs of the one before), and
 * that process is not one of the push's own (the pusher, its children, the pipeline feeding its stdin).
 * client-go reloads the service-account token every minute, so without this every push from a Kubernetes
 * controller's container (Argo CD Image Updater's git write-back, a Flux or Tekton controller's upload) was
 * `sensitive-read-then-push`. Another process reading it in the window (`cat token`), a reader that started
 * within the window, or a push of the reader's own makes it count as before.
 */
function routineSecret(f: SensitiveEntry, ep: PushEpisode, fromMs: number, toMs: number): boolean {
  const r = f.reader;
  if (r === null || f.pushEp === ep || !(f.readerFirstMs < fromMs)) return false;
  if (f.othersLastMs >= fromMs && f.othersFirstMs <= toMs) return false;
  return r.episode !== ep && !r.feeds(ep);
}
