/**
 * Builds the alert a responder reads (INTERFACES.md "Alert"): every string copied from argv, URLs or
 * paths is redacted here. Runs once per judged push, so clarity beats speed.
 */
import { createHash } from 'node:crypto';
import { type Alert, type AlertEvidence, MITRE, type Severity } from '../model/alert.js';
import { msToRfc3339 } from '../model/time.js';
import { forgeSettingTools } from '../rules/tools/forge-settings.js';
import { findStarterStep, inlineCode } from './ancestry.js';
import { formatAddr } from './push-dests.js';
import { redact } from './redact.js';
import type { ArchiveMark, EvidenceItem, FileEntry, PushEpisode } from './state.js';
import { timeText } from './times.js';

export interface JudgedPush {
  episode: PushEpisode;
  rule: string;
  severity: Severity;
  /** The early judgement this alert is graver than (engine.ts judgeEarly), or null. */
  escalates: { rule: string; severity: Severity } | null;
  readBytes: number;
  readFiles: number;
  top: FileEntry[];
  sensitive: FileEntry[];
  archives: ArchiveMark[];
  windowStartMs: number;
  windowEndMs: number;
  windowMs: number;
  degraded: boolean;
  suppressed: number;
  maxEvidence: number;
  /**
   * Of a push whose other destinations allowlist entries cover (./allowlist.ts coverDestinations), those
   * none does: the summary names them, or the alert reads as one for a destination the operator allowlisted.
   */
  notAllowlisted: readonly string[];
}

/**
 * What the alert names as the destination: for a table tool's push, the host its argv gave, else the first
 * address it connected to as `ip:port` (not a name learned for that address: the first connect need not be
 * where the bytes went); for a push by egress, the name its address is known by (`destNamed` says how:
 * DNS, an earlier push's argv, its lineage's argv), else `ip:port`.
 */
export function destinationOf(ep: PushEpisode): string | null {
  return ep.destHost ?? ep.destAddr;
}

/**
 * Stable for one detection. An escalation also hashes its severity: a push judged early as
 * bulk-read-then-push (high) and later critical is a second detection with the same rule, and the same id
 * would make the broker drop it as a re-send (NATS de-duplicates on Nats-Msg-Id).
 */
export function alertId(rule: string, ep: PushEpisode, escalatedTo: Severity | null = null): string {
  const proc = ep.proc.execId ?? `pid:${ep.proc.pid ?? '?'}`;
  const material = [rule, ep.container.ref.id, proc, ep.time, destinationOf(ep) ?? ''];
  if (escalatedTo !== null) material.push(escalatedTo);
  return createHash('sha256').update(material.join('\u0000')).digest('hex').slice(0, 32);
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

/**
 * A top file's bytes as the alert says them: no more than the window's reads. The heavy-hitter entry counts
 * every read of the file, also those after the window (a dump streamed out by another process after a quick
 * upload that is judged later): 330 MiB of a file in a window that read 32 MiB is not what happened.
 */
function topBytes(t: FileEntry, j: JudgedPush): number {
  return j.readBytes > 0 ? Math.min(t.bytes, j.readBytes) : t.bytes;
}

function where(ep: PushEpisode): string {
  const c = ep.container;
  const name = c.ref.name ?? c.ref.id;
  return c.pod ? `pod ${c.pod.namespace}/${c.pod.name} (container ${name})` : `container ${name}`;
}

/** The `ip:port`s a push's processes connected or sent to, first seen first (not a daemon's bridged upload). */
function addressesOf(ep: PushEpisode): string[] {
  return [...new Set(ep.dests.filter((d) => !d.byDaemon).map((d) => formatAddr(d.ip, d.port)))];
}

/**
 * What names the destination in the suppression key: the alert's destination, with how it was named when
 * a process that is no push tool chose that name for its push by egress (its argv, an earlier push's): an
 * upload named github.com by its own command line is not a repeat of one DNS named github.com. A push
 * tool's upload that outlasts its push's judgement (a push by egress by the same process) keeps the plain
 * name: the same push going on.
 */
export function suppressionDestination(ep: PushEpisode): string {
  const dest = destinationOf(ep) ?? '';
  if (ep.byEgress && ep.destHost !== null && ep.destNamed !== 'dns' && ep.proc.push === null)
    return `${ep.destNamed}:${dest}`;
  return dest;
}

/**
 * The destination as the summary says it. A push by egress named by a command line (its own, or an earlier
 * push's that connected to the same address) is said by its address first: the process chose that name,
 * which need not be where the bytes went (`--note https://github.com` while sending to an attacker's host).
 */
function summaryDestination(ep: PushEpisode): string {
  const dest = redact(destinationOf(ep));
  // `docker compose push`, `buildx bake --push`: the registries are in a file argv names at most; say where.
  const declaredIn = ep.proc.push?.declaredIn ?? null;
  if (dest === null && declaredIn !== null && !ep.byEgress)
    return `an unknown destination (named in ${declaredIn}, which the sensors do not show)`;
  if (dest === null) return 'an unknown destination';
  if (!ep.byEgress || ep.destAddr === null || ep.destNamed === null || ep.destNamed === 'dns') return dest;
  const by = ep.destNamed === 'argv' ? 'a command line' : "an earlier push's command line";
  // Lead with an address so named (the push's first may be one DNS named, when bytes were summed).
  const lead = ep.dests.find((d) => !d.byDaemon && d.named === ep.destNamed);
  return `${lead ? formatAddr(lead.ip, lead.port) : ep.destAddr} (named ${dest} by ${by}, not by DNS)`;
}

/**
 * Which side of a `kubectl cp` this push is (the push table's two kubectl entries), or null for any other
 * push. Its bytes go through the API server's exec stream, not to a forge or a registry, so the alert says
 * that, and sends the responder to the Kubernetes audit log's pods/exec record rather than a repository's.
 */
function kubectlCp(ep: PushEpisode): 'pod-side' | 'in-pod' | null {
  if (ep.tool !== 'kubectl' || ep.byEgress) return null;
  return ep.proc.push?.spec.match.kind === 'archive-to-stdout' ? 'pod-side' : 'in-pod';
}

function commandOf(ep: PushEpisode): string {
  return redact(`${ep.proc.binary ?? ep.tool}${ep.proc.args ? ` ${ep.proc.args}` : ''}`);
}

function summary(j: JudgedPush): string {
  const ep = j.episode;
  const dest = summaryDestination(ep);
  // A push taken from a cut command line (recognize.ts cutArgvPush): say why it names neither remote nor host.
  const remote = ep.remote
    ? ` (${redact(ep.remote)})`
    : ep.proc.push?.argvCut === true && !ep.byEgress
      ? ' (its command line cut by the sensor at 4 KiB before naming it: the destination is its first connection)'
      : '';
  const how = !ep.byEgress
    ? `${ep.tool} push`
    : ep.egressSplit
      ? `${formatBytes(ep.egressBytes)} sent by several processes (the last ${ep.tool})`
      : `${formatBytes(ep.egressBytes)} sent by ${ep.tool}`;
  const by =
    ep.renamed || ep.unexpected
      ? ` by ${ep.renamed ? 'renamed' : 'unexpected'} binary ${redact((ep.odd?.proc ?? ep.proc).binary ?? '?')}`
      : '';
  const minutes = Math.round(j.windowMs / 60_000);
  let reads: string;
  if (j.readBytes === 0 && j.readFiles === 0 && j.sensitive.length === 0) {
    reads = 'no notable reads before it';
  } else {
    // "0 B in 56 files" read as nothing read; a listed file Falco left unsized (mmap) makes the sum a lower bound.
    const files = `${j.readFiles} file${j.readFiles === 1 ? '' : 's'}`;
    const atLeast = ep.source === 'falco' && j.top.some((t) => t.bytes === 0) ? 'at least ' : '';
    reads =
      j.readBytes === 0 && j.readFiles > 0
        ? `after opening ${files} (sizes not reported by the sensor)`
        : `after reading ${atLeast}${formatBytes(j.readBytes)} in ${files}`;
    if (j.sensitive.length > 0) {
      const names = j.sensitive.slice(0, 3).map((s) => redact(s.path));
      reads += ` incl. ${j.sensitive.length} secret${j.sensitive.length > 1 ? 's' : ''} (${names.join(', ')}${j.sensitive.length > 3 ? ', …' : ''})`;
    }
    reads += ` within ${minutes} min`;
  }
  // What left is what made the alert when the egress rule named it: say how much.
  if (j.rule === 'bulk-push-without-reads' && !ep.byEgress) reads += `; ${formatBytes(ep.egressBytes)} sent`;
  const graver = j.escalates
    ? `; graver than its early judgement, ${j.escalates.rule} (${j.escalates.severity}), made when more pushes after it filled the container's pending list`
    : '';
  // "kubectl push to an unknown destination (/var/lib/postgresql/data)" told a responder nothing of where
  // the data went: say which pod it came out of and that the API server carried it.
  const cp = kubectlCp(ep);
  if (cp === 'pod-side')
    return `kubectl cp out of ${where(ep)} on ${ep.node.name}: ${inlineCode(commandOf(ep))} started by the container runtime sends it through the kubelet and the API server to whoever ran kubectl (not through the pod's network), ${reads}${graver}`;
  if (cp === 'in-pod')
    return `kubectl cp of ${ep.remote ? redact(ep.remote) : "a pod's files"} out of that pod, through the API server${destinationOf(ep) ? ` at ${dest}` : ''}, into ${where(ep)} on ${ep.node.name}${by}, ${reads}${graver}`;
  const notAllowlisted =
    j.notAllowlisted.length > 0 ? `; not allowlisted: ${listNamed(j.notAllowlisted)} (its other destinations are)` : '';
  return `${how} to ${dest}${remote}${by} from ${where(ep)} on ${ep.node.name}, ${reads}${graver}${notAllowlisted}`;
}

/**
 * The first NAMED_NOT_ALLOWLISTED of them, redacted, and how many more: argv may name hundreds (kaniko's
 * `--destination` repeated), and the summary is one line.
 */
function listNamed(remotes: readonly string[]): string {
  const named = remotes.slice(0, NAMED_NOT_ALLOWLISTED).map((d) => redact(d));
  const more = remotes.length - named.length;
  return `${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}
const NAMED_NOT_ALLOWLISTED = 3;

/** The most-read files, at most three, in parentheses after a leading space; '' when none was read. */
function topReadsText(j: JudgedPush): string {
  if (j.top.length === 0) return '';
  return ` (${j.top
    .slice(0, 3)
    .map((t) => redact(t.path))
    .join(', ')})`;
}

function response(j: JudgedPush): string[] {
  const ep = j.episode;
  const c = ep.container;
  const dest = redact(destinationOf(ep)) ?? 'the destination';
  const remote = ep.remote ? redact(ep.remote) : dest;
  const addresses = addressesOf(ep).filter((a) => a !== dest);
  // A docker push through a mounted docker.sock: the node's daemon sent the bytes, from the node's address,
  // and will again for the next push however the pod's egress is limited (a NetworkPolicy never sees it).
  const daemon = [...new Set(ep.dests.filter((d) => d.byDaemon).map((d) => formatAddr(d.ip, d.port)))];
  const viaDaemon =
    daemon.length > 0
      ? `${daemon.join(', ')} by the node's docker daemon, linked to this push by time: flow logs show it from the node's address, not the pod's`
      : '';
  const shown = [...addresses, viaDaemon].filter((x) => x !== '');
  const traffic = shown.length > 0 ? `${dest} (${shown.join('; ')})` : dest;
  const cmd = commandOf(ep);
  const podText = c.pod ? `pod ${c.pod.namespace}/${c.pod.name}` : `container ${c.ref.id}`;
  const cp = kubectlCp(ep);
  if (cp !== null) return kubectlResponse(j, cp, cmd, podText);
  const steps = [
    findStarterStep(ep, cmd, podText),
    `Analyse traffic from node ${ep.node.name} to ${traffic} around ${ep.time}${ep.egressSeen ? ` (about ${formatBytes(ep.egressBytes)} sent)` : ''}: egress proxy, firewall or VPC flow logs, and other pods talking to it.`,
    ep.proc.push !== null && forgeSettingTools.includes(ep.proc.push.spec)
      ? `Review the secrets and variables of ${remote} (GitHub Actions' or GitLab CI/CD's, of the repository, group or organisation named, and the audit log for who set them): its workflows read a stored value back; if the owner is not yours, report it and rotate what was stored, else confirm the job that set it (a rotation or release job: allowlist it by pod or namespace).`
      : `Review the access logs of ${remote} (repository or registry audit log: pushes, new repositories, tags, releases, gists and the token or account used); if the content is not yours, get it taken down and preserve a copy as evidence.`,
  ];
  if (j.sensitive.length > 0) steps.push(rotateStep(j));
  steps.push(
    `Isolate ${podText} (container ${c.ref.id}${c.ref.image ? `, image ${c.ref.image}` : ''}): deny its egress with a NetworkPolicy${
      daemon.length > 0
        ? " and take away its docker.sock (the node's docker daemon made this upload: a NetworkPolicy on the pod does not stop it; remove the socket's mount or stop the pod)"
        : ''
    } and keep it for forensics before deleting it; check the image and its volumes for the data that was read${topReadsText(j)}.`,
  );
  return steps.concat(closingSteps(j));
}

/** A `kubectl cp`'s steps: the Kubernetes audit log names the actor; an egress NetworkPolicy stops nothing. */
function kubectlResponse(j: JudgedPush, cp: 'pod-side' | 'in-pod', cmd: string, podText: string): string[] {
  const ep = j.episode;
  const c = ep.container;
  const ns = c.pod?.namespace ?? 'its namespace';
  const read = topReadsText(j);
  const steps: string[] = [];
  if (cp === 'pod-side') {
    steps.push(
      `Find who ran kubectl cp (or kubectl exec) into ${podText} around ${ep.time}: the container runtime started ${inlineCode(cmd)} (pid ${ep.proc.pid ?? '?'}) on node ${ep.node.name}; the Kubernetes audit log's pods/exec request on ${podText} names the user or service account and the client's address.`,
      `The data left through the kubelet and the API server to that client, not through the pod's network: an egress NetworkPolicy would not have stopped it and flow logs from node ${ep.node.name} will not show it. Look for the same identity's other requests (exec, cp, port-forward, secrets) in the audit log.`,
    );
  } else {
    const remote = ep.remote ? redact(ep.remote) : "the other pod's files";
    steps.push(
      findStarterStep(ep, cmd, podText),
      `Review the API server's audit log: ${remote} was copied through the API server (${redact(destinationOf(ep)) ?? 'its address'}) with the credentials kubectl used (${podText}'s service account when it read its token): the Kubernetes audit log's pods/exec requests from that identity around ${ep.time} show what was copied; treat it as disclosed, and look for that identity's other requests.`,
    );
  }
  if (j.sensitive.length > 0) steps.push(rotateStep(j));
  steps.push(
    cp === 'pod-side'
      ? `Revoke pods/exec in namespace ${ns} from the identity the audit log names and rotate its credentials; treat the data that was read${read} as disclosed and tell its owners. Keep ${podText} (container ${c.ref.id}) as it is for forensics.`
      : `Isolate ${podText} (container ${c.ref.id}${c.ref.image ? `, image ${c.ref.image}` : ''}): the copied files are in it now; deny its egress with a NetworkPolicy, remove its service account's pods/exec permission, and keep it for forensics before deleting it.`,
  );
  return steps.concat(closingSteps(j));
}

function rotateStep(j: JudgedPush): string {
  const paths = j.sensitive.map((s) => redact(s.path));
  return `Rotate the secrets that were read before the push: ${paths.join(', ')} (service-account tokens: recreate the token/secret; keys: revoke and reissue; cloud/registry credentials: revoke at the provider).`;
}

/** The steps every alert ends with, when they apply: a renamed or unexpected binary, lost events. */
function closingSteps(j: JudgedPush): string[] {
  const ep = j.episode;
  const steps: string[] = [];
  if (ep.renamed || ep.unexpected) {
    const odd = ep.odd?.proc ?? ep.proc;
    steps.push(
      `Inspect ${redact(odd.binary ?? 'the binary')}: hash it and find how it got into the container (${ep.renamed ? `it is ${ep.odd?.as ?? ep.tool} under another name` : 'it runs from a temporary or hidden location, or is not a known push tool'}).`,
    );
  }
  if (j.degraded) {
    steps.push(
      `Events were lost on node ${ep.node.name} during this window: read and byte counts are lower bounds; check the sensor's health.`,
    );
  }
  return steps;
}

const PRIORITY: Record<string, number> = {
  push: 0,
  'sensitive-read': 1,
  'bridge-egress': 2,
  archive: 3,
  connect: 4,
  read: 5,
  exec: 6,
};

function evidence(j: JudgedPush): AlertEvidence[] {
  const items: EvidenceItem[] = [...j.episode.evidence];
  for (const s of j.sensitive) {
    items.push({
      timeMs: s.firstMs,
      time: timeText(s.time, s.firstMs),
      kind: 'sensitive-read',
      binary: s.binary,
      detail: s.path,
    });
  }
  for (const a of j.archives) {
    if (twinArchive(a, j.archives)) continue;
    // With its twin (the other sensor's report of it, ./dual-sensor.ts): each counted what it reported first.
    const twin = a.proc.rare?.archiveTwin?.rare;
    const files = (a.proc.rare?.archiveFiles ?? 0) + (twin?.archiveFiles ?? 0);
    const bytes = formatBytes((a.proc.rare?.archiveBytes ?? 0) + (twin?.archiveBytes ?? 0));
    items.push({
      timeMs: a.timeMs,
      time: timeText(a.time, a.timeMs),
      kind: 'archive',
      binary: a.proc.binary,
      detail: `${a.proc.binary ?? 'archiver'} read ${files} files (${bytes}): ${a.proc.args ?? ''}`.trim(),
    });
  }
  for (const t of j.top) {
    items.push({
      timeMs: t.firstMs,
      time: timeText(t.time, t.firstMs),
      kind: 'read',
      binary: t.binary,
      detail: `${t.path} (${t.bytes > 0 ? formatBytes(topBytes(t, j)) : 'size not reported'})`,
    });
  }
  items.sort((a, b) => (PRIORITY[a.kind] ?? 9) - (PRIORITY[b.kind] ?? 9) || a.timeMs - b.timeMs);
  return items
    .slice(0, j.maxEvidence)
    .sort((a, b) => a.timeMs - b.timeMs)
    .map((e) => ({ time: e.time, kind: e.kind, binary: redact(e.binary), detail: redact(e.detail) }));
}

export function buildAlert(j: JudgedPush): Alert {
  const ep = j.episode;
  const c = ep.container;
  return {
    id: alertId(j.rule, ep, j.escalates ? j.severity : null),
    time: ep.time,
    rule: j.rule,
    severity: j.severity,
    summary: summary(j),
    node: ep.node.name,
    container: { id: c.ref.id, name: c.ref.name, image: c.ref.image },
    pod: c.pod ? { namespace: c.pod.namespace, name: c.pod.name, labels: { ...(c.pod.labels ?? {}) } } : null,
    process: {
      binary: redact(ep.proc.binary),
      args: redact(ep.proc.args),
      pid: ep.proc.pid,
      execId: ep.proc.execId,
      uid: ep.uid,
    },
    push: {
      tool: ep.tool,
      destination: redact(destinationOf(ep)),
      remote: redact(ep.remote),
      namedBy: ep.destHost !== null ? ep.destNamed : null,
      addresses: addressesOf(ep),
    },
    reads: {
      bytes: j.readBytes,
      files: j.readFiles,
      top: j.top.map((t) => ({ path: redact(t.path), bytes: topBytes(t, j) })),
      sensitive: j.sensitive.map((s) => redact(s.path)),
    },
    egressBytes: ep.egressSeen ? ep.egressBytes : null,
    window: { start: msToRfc3339(j.windowStartMs), end: msToRfc3339(j.windowEndMs) },
    evidence: evidence(j),
    mitre: { ...MITRE },
    source: ep.source,
    degraded: j.degraded,
    suppressed: j.suppressed,
    response: response(j),
  };
}

/**
 * Both sensors' records of one archiver, linked as twins when the second reads (./dual-sensor.ts
 * archiveTwin), are marked once each: the evidence shows the pair once, at the first mark, with the files and
 * bytes of both.
 */
function twinArchive(a: ArchiveMark, all: readonly ArchiveMark[]): boolean {
  const twin = a.proc.rare?.archiveTwin;
  if (twin === undefined || twin === null) return false;
  const at = all.findIndex((b) => b.proc === twin);
  return at >= 0 && at < all.indexOf(a);
}
