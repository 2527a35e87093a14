/**
 * actions/cache restores a job's caches with `tar -xf …/_temp/<uuid>/cache.tzst -P -C $GITHUB_WORKSPACE
 * --use-compress-program unzstd`: 180 MiB read from the archive, and any later push of the job (a tag push) was
 * `bulk-read-then-push`, high (benign-ci-test-then-tag-push; test/unit/correlate/tar-extraction-reads.test.ts).
 * An extraction moves bytes from one file into others: what it writes counts when something reads it again (to
 * pack, copy or upload it). So a tar extracting to files (`x`, `--extract`, `--get`; GNU tar, bsdtar, busybox's,
 * from where a tool is expected), and the decompressor it runs (`gzip -d`, `zstd -d`, `unzstd` …, as tar
 * execs it, or through `/bin/sh -c`), reading the archive named by `-f` is kept aside (not in the container's read
 * totals), in a tally of its own that counts only for pushes by some tools.
 *
 * Toward a push by a tool that sends what its own process tree reads from files (REREADING_TOOLS: git, curl, wget,
 * the forge and cloud CLIs), whose reads count whatever wrote the files, it counts up to the bytes the container's
 * pushes sent in the window past its counted reads (extractionReadsFor): a tag push's few KiB take nothing, an
 * extracted repository's pack (git maps it uncounted) or a stream out of the tar that the command line does not
 * show (`TAR_OPTIONS=-O`, found by a red team: test/unit/correlate/tar-extraction-redteam.test.ts) its size.
 * It counts as before for every other push: kaniko, buildah and podman, goreleaser, ko, a JVM publishing from its caches, a
 * node script, an unknown or renamed binary pushing by egress read some of what they send without its counting
 * (their own products, caches, modules, a build's root), and an extraction there could put data unread.
 *
 * Not exempt: extraction to stdout or a program (`-O`, `--to-stdout`, `--to-command`), a tar running a script of
 * the command line's (`-F`, `--info-script`, `--checkpoint-action`, `--rsh-command`, a compressor that is no plain
 * command), renaming members (`--transform`, bsdtar's `-s`), an archive read from stdin (`-f -`, no `-f`) or over
 * rmt (`host:file`), a listing (`-t`: it writes nothing, and its read counts as any), any other file tar reads
 * (`-T list`, the names it adds), secrets (the caller asks only for a read that is neither a secret nor a pod
 * step's copy of one), and a compressor whose parent is no such tar or that reads another file.
 */
import type { FileEvent } from '../model/normalized-event.js';
import { basename, tokenize } from '../rules/argv.js';
import { MULTI_CALL } from '../rules/launchers.js';
import { isUnexpectedLocation } from '../rules/locations.js';
import { localArchive, readTarCommand, type TarCommand, tarArgsOf, tarFlavourOf } from '../rules/tar-command.js';
import { newBucketTally, type TallySums, tallyRead, tallySum } from './bucket-tally.js';
import { absoluteTarget, workingDirectory } from './copy-paths.js';
import { hashPath } from './distinct-files.js';
import type { ExecLine } from './exec-line.js';
import { exemptionsOf, procExemptionsOf, pushExemptionsOf } from './exemption-state.js';
import type { ProcState } from './proc-state.js';
import { SHELLS } from './shell-copies.js';
import type { ContainerState, PushEpisode } from './state.js';

/** What tar runs for `-z`, `-j`, `-J`, `--zstd`, `--lzip`… (and what a restore names with `-I`). */
const DECOMPRESSORS = new Set(
  (
    'gzip gunzip pigz unpigz zstd unzstd zstdmt xz unxz pixz bzip2 bunzip2 pbzip2 lbzip2 lzip lzma unlzma lz4 ' +
    'unlz4 lzop lrzip brotli'
  ).split(' '),
);
/** A compressor command tar may be given (`unzstd`, `zstd -T0`): words, no shell syntax. */
const PLAIN_COMMAND = /^[\w./=+-]+(?: +[\w./=+-]+)*$/;

/**
 * Push tools that send only what their own processes read from files (git's objects, curl's `-T`, a CLI's
 * upload), whose reads count wherever those files came from.
 */
const REREADING_TOOLS = new Set(['git', 'gh', 'glab', 'hub', 'tea', 'curl', 'wget', 'httpie', 'aws', 'gcloud', 'az']);

/** An extraction's archive. */
export interface Extraction {
  archive: string;
  /** Its tar was exec'd together with a sibling: a pipeline's stage (noteSiblings); its reads count from then on. */
  piped: boolean;
}

/** A parent's last child exec'd, and the extraction that child is (null: none). */
export interface LastChild {
  /** null: it left the tables still running (ProcState.drop), and runs for good as far as a sibling knows. */
  proc: ProcState | null;
  x: Extraction | null;
}

/** The extraction a process is or serves (ProcExemptions `extraction`); undefined: not asked yet. */
function extractionOfProc(proc: ProcState): Extraction | null | undefined {
  return proc.rare?.exempt?.extraction;
}

/** The arguments of the tar a process runs (busybox's applet too), from where a tool is expected, or null. */
function tarArgs(binary: string | null, args: string | null): string | null {
  // By name first (tarArgsOf): every exec asks (its own binary and its parent's), and few are tar or busybox.
  const tar = tarArgsOf(binary, args);
  return tar === null || isUnexpectedLocation(binary) ? null : tar;
}

/**
 * The extraction to files a tar command line makes from a local archive file, or null: read afresh, for a line no
 * exec of which was seen (the event's parent, a process first seen by a read).
 */
export function extractionOf(binary: string | null, args: string | null, cwd: string | null): Extraction | null {
  const tar = tarArgs(binary, args);
  if (tar === null) return null;
  const archive = extractedArchive(readTarCommand(tokenize(tar), null, tarFlavourOf(binary)), cwd);
  return archive === null ? null : { archive, piped: false };
}

/** The archive file (absolute) a tar's reading extracts to files from, or null. Its `-C` and names play no part. */
function extractedArchive(tar: TarCommand, cwd: string | null): string | null {
  if (!tar.extracts || tar.creates || tar.toProgram || tar.renames || !localArchive(tar.archive)) return null;
  if (tar.compressProgram !== null && !PLAIN_COMMAND.test(tar.compressProgram.trim())) return null;
  // The archive is opened where tar starts: `-C` moves where members go.
  return absoluteTarget(tar.archive, workingDirectory(cwd));
}

/**
 * What an exec's line says as an extraction (ExtractionAnswer), from the line's one reading of the tar
 * (./exec-line.ts ExecLine.tar, which its copies and writes read too): kept per command line with its staging
 * answers (./staging-guards.ts), so a tar's line is parsed once, not again here per exec. The line's reading has
 * the working directory as its base; an extraction's answer depends on none of what that changes (`-C`, the names).
 */
export function extractionAnswerOf(line: ExecLine, binary: string | null, cwd: string | null): ExtractionAnswer {
  // As tarArgs: a multi-call binary runs tar only as its `tar` applet (ExecLine names `busybox gtar` a tar too).
  const tar = line.tar;
  if (tar === null || (MULTI_CALL.has(basename(binary)) && line.tool !== 'tar') || isUnexpectedLocation(binary))
    return NO_TAR;
  return { tar: true, archive: extractedArchive(tar, cwd) };
}

/** An exec's line as an extraction. */
export interface ExtractionAnswer {
  /** It runs tar (busybox's applet too) from where a tool is expected. */
  readonly tar: boolean;
  /** The archive file (absolute) that tar extracts to files from; null: none. */
  readonly archive: string | null;
}
const NO_TAR: ExtractionAnswer = { tar: false, archive: null };

/**
 * Whether a program is one an extraction runs to decompress its archive: a decompressor by name (whatever `-I`
 * names: `-I 'curl -T- -K/tmp/cfg'` would upload its stdin, the archive), all options, no file named.
 */
function decompressorOf(binary: string | null, words: readonly string[]): boolean {
  if (binary === null || isUnexpectedLocation(binary) || words.some((w) => !w.startsWith('-'))) return false;
  return DECOMPRESSORS.has(basename(binary));
}

/**
 * On an exec: a tar extracting to files from an archive file; a decompressor (or the `sh -c 'PROG -d'` GNU tar
 * runs it through) started by one, the sensor's parent of which is the tar (the fork execs in place) or such a
 * shell; the event's parent command line when the process table lacks it.
 */
export function noteExtraction(
  proc: ProcState,
  answer: ExtractionAnswer,
  args: string | null,
  cwd: string | null,
  parentBinary: string | null,
  parentArgs: string | null,
): void {
  const own: Extraction | null = answer.archive === null ? null : { archive: answer.archive, piped: false };
  noteSiblings(proc, own);
  if (answer.tar) {
    procExemptionsOf(proc).extraction = own;
    return;
  }
  const parent = proc.parent;
  const x = (parent === null ? undefined : extractionOfProc(parent)) ?? extractionOf(parentBinary, parentArgs, cwd);
  if (x === null) return;
  const words = tokenize(args);
  if (SHELLS.has(basename(proc.binary)) && !isUnexpectedLocation(proc.binary)) {
    // `sh -c 'unzstd -d'`: its one word after `-c`, a plain command whose program is a decompressor.
    const script = words.length === 2 && words[0] === '-c' ? words[1]!.trim() : '';
    const [program, ...rest] = script.split(/ +/);
    if (PLAIN_COMMAND.test(script) && decompressorOf(program ?? null, rest)) serves(proc, x);
    return;
  }
  if (decompressorOf(proc.binary, words)) serves(proc, x);
}

/**
 * An extracting tar exec'd while a sibling runs, or whose sibling is exec'd while it runs, is a stage of a
 * pipeline: `tar -xf db.tar | gzip > /tmp/d.gz` streams the archive's members to gzip under `TAR_OPTIONS=-O`, which
 * the command line does not show, and gzip's reads of the pipe count for nothing (a red team's: the push of the
 * staged file sent and read only the compressed bytes). However far apart they are exec'd: the other stage may
 * wait first (`tar -xf db.tar | (read -t 3 x; exec gzip)`, the tar blocked on the full pipe meanwhile; found by
 * review: within 1 s only, that was medium). A restore's tar runs alone (`mkdir -p DIR && tar -xf …`: mkdir has
 * exited).
 */
function noteSiblings(proc: ProcState, own: Extraction | null): void {
  const parent = proc.parent;
  if (parent === null) return;
  const last = parent.lastChild;
  parent.lastChild = { proc, x: own };
  if (last === null || (last.proc !== null && !Number.isNaN(last.proc.exitedMs))) return;
  if (last.x !== null) last.x.piped = true;
  if (own !== null) own.piped = true;
}

/** A process serving an extraction (in its rare fields, which extractionRead's gate asks). */
function serves(proc: ProcState, x: Extraction): void {
  procExemptionsOf(proc).extraction = x;
}

/**
 * A process first seen by a read (no exec: a fork of the tar, busybox's decompressing child): the extraction of
 * its parent when it runs the same command line, else its own when its archive is named absolute.
 */
function extractionFor(proc: ProcState): Extraction | null {
  let x = extractionOfProc(proc);
  if (x !== undefined) return x;
  const parent = proc.parent;
  const forked = parent !== null && parent.binary === proc.binary && parent.args === proc.args;
  x = (forked ? extractionOfProc(parent) : undefined) ?? extractionOf(proc.binary, proc.args, null);
  procExemptionsOf(proc).extraction = x;
  return x;
}

/**
 * Whether a read (no secret, no pod step's copy of one) is an extraction's of its own archive: kept aside, not
 * counted in the container's totals (engine.ts onFile).
 */
export function extractionRead(
  c: ContainerState,
  proc: ProcState,
  e: FileEvent,
  cfg: { windowMs: number; pushSettleMs: number; latenessMs: number },
  bucketMs: number,
): boolean {
  // Every counted read asks: tar is an archiver, its decompressor has rare fields (serves).
  if (!proc.archiver && proc.rare?.exempt?.extraction === undefined) return false;
  const x = extractionFor(proc);
  const { path, bytes } = e.file;
  if (x === null || x.piped || x.archive !== path) return false;
  const exempt = exemptionsOf(c);
  let tally = exempt.extractionReads;
  if (tally === null) {
    tally = newBucketTally(e.timeMs);
    exempt.extractionReads = tally;
  }
  // Kept as long as the read buckets keep reads; a file counts again after a window, as there.
  const horizonMs = cfg.windowMs + cfg.pushSettleMs + cfg.latenessMs;
  const kept = { bucketMs, horizonMs, recountMs: cfg.windowMs };
  tallyRead(tally, e.timeMs, bytes !== null && bytes > 0 ? bytes : 0, hashPath(path), kept);
  return true;
}

const NONE: TallySums = { bytes: 0, files: 0 };

/**
 * ContainerExemptions `unexplainedSent` (./exemption-state.ts): the bytes a container's re-reading tools' pushes
 * sent past what the reads counted in their windows explain, by push time. A push's sends come from its reads;
 * those its window's counted reads do not explain came from reads not counted: maybe an extraction's, streamed out
 * (`TAR_OPTIONS=-O tar -xf db.tar | curl -T - …`: the environment is not on the command line; a decompressor
 * replaced by one that pipes to curl), or extracted where reads count for nothing (a noise prefix). Summed over
 * the window, so a data set sent in chunks, each below the bulk threshold, adds up from the second push on.
 * PushExemptions `extractionSent`: what a push (judged early, then again) has put into it so far.
 *
 * PushExemptions `viaLoopback`: the push's processes connected to a proxy on the loopback
 * (`https_proxy=http://127.0.0.1:3128`, a proxy sidecar of the pod): what they sent there is no egress
 * (network.ts), so their egress is not what left. A git push of an extracted pack through one, with its hook's
 * few bytes to another host as its only egress, was low.
 */

/** A pending push's process connected or sent to a local address (network.ts, before it drops the event). */
export function noteLocalEgress(ep: PushEpisode, ip: string): void {
  // Link-local is the cloud's metadata service (aws and gcloud ask it for credentials), no proxy.
  if (!ip.startsWith('169.254.') && !ip.toLowerCase().startsWith('fe80:')) pushExemptionsOf(ep).viaLoopback = true;
}

/**
 * The extractions' reads in a push's window that count for it: all of them for a push tool not in
 * REREADING_TOOLS, whose uncounted reads (a build's root, caches, storage) an extraction could feed. For one in
 * it (whose own reads count wherever the files came from; git's maps of its packs aside, paths.ts
 * isGitObjectStoreMap, which an extracted repository would leave by), up to the bytes its container's pushes
 * sent in the window past the counted reads (`countedBytes`): a tag push's few KiB after a restore and a `gh
 * release upload` of a read 40 MiB asset take nothing, a pushed extracted pack or a stream out of a tar its size.
 * All of them when the bytes are unknown (Falco with connects only, a push through a proxy on the loopback) or
 * not what it reads from files: a push of its stdin (`… | gzip | curl -T -`: compressed, the bytes would be fewer
 * than the reads they carry).
 */
export function extractionReadsFor(
  ep: PushEpisode,
  window: { fromMs: number; toMs: number; bucketMs: number; horizonMs: number },
  egressBytes: number | null,
  countedBytes: number,
): TallySums {
  const exempt = ep.container.exempt;
  const tally = exempt === null ? null : exempt.extractionReads;
  if (exempt === null || tally === null) return NONE;
  const { fromMs, toMs, bucketMs } = window;
  const fromId = Math.floor(fromMs / bucketMs);
  const toId = Math.floor(toMs / bucketMs);
  const sums = tallySum(tally, fromId, toId, false);
  const viaLoopback = ep.exempt?.viaLoopback === true;
  if (!REREADING_TOOLS.has(ep.tool) || egressBytes === null || ep.stdinProc !== null || viaLoopback) return sums;
  let sent = exempt.unexplainedSent;
  if (sent === null) {
    sent = newBucketTally(ep.timeMs);
    exempt.unexplainedSent = sent;
  }
  const own = Math.max(0, egressBytes - countedBytes);
  const before = ep.exempt === null ? 0 : ep.exempt.extractionSent;
  if (own > before) {
    tallyRead(sent, ep.timeMs, own - before, 0, { bucketMs, horizonMs: window.horizonMs, recountMs: Infinity });
    pushExemptionsOf(ep).extractionSent = own;
  }
  const cap = tallySum(sent, fromId, toId, false).bytes;
  if (sums.bytes <= cap) return sums;
  return { bytes: cap, files: cap > 0 ? sums.files : 0 };
}
