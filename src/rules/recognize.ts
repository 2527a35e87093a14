/**
 * Interprets the push-tool table (./push-tools.ts) for one process: push, download, or nothing. Called once
 * per process (the correlator caches the answer on its process state), never per file or network event.
 */
import { aliasDefinedPush } from './alias-definitions.js';
import { isApiRead } from './api-reads.js';
import { isTarCreateToStdout, kubectlResumablePath, podSideRemote } from './archive-stdout.js';
import {
  basename,
  commandEnd,
  flagInForce,
  flagRemote,
  goalEnd,
  hasFlag,
  isLocalUpload,
  javaPropertyTrue,
  otherFlagRemotes,
  type ParsedArgv,
  parseArgv,
  scpLikeHost,
  tokenize,
  urlHost,
} from './argv.js';
import { recognizeCopy, uploadUnderDownloadName } from './copied-clients.js';
import { cutArgvPush } from './cut-argv.js';
import { engineApiPushRef } from './engine-api.js';
import { notReport, otherReadingPush, plainPushHeld } from './joined-argv.js';
import { launchedProgram, launchedView, packageManagerName, pythonToolName } from './launchers.js';
import { isUnexpectedLocation } from './locations.js';
import {
  destinationHostOf,
  destinationIsDefault,
  destinationIsLocal,
  destinationOf,
  otherDestinations,
} from './push-destination.js';
import { pushTools } from './push-tools.js';
import { isReportingApiCall } from './reporting-calls.js';
import { scriptUploadTarget } from './script-upload.js';
import { signingKeyFiles } from './signing-keys.js';
import { tarFlavourOf } from './tar-grammars.js';
import type { CommandSpec, PushToolSpec, RemoteLocator } from './types.js';
import { uploadRequest } from './upload-shapes.js';
import { uploadedForClient } from './uploaded-for-client.js';
import { matchUrlCommit } from './url-commit.js';

export interface PushRecognition {
  kind: 'push';
  spec: PushToolSpec;
  /** `push.tool`. */
  tool: string;
  /** URL, image reference or repository as argv gave it: NOT redacted yet. */
  remote: string | null;
  /** Host (or IP) the upload goes to, when argv names it (or the tool's usual registry: destinationDefault). */
  destinationHost: string | null;
  /** destinationHost is the tool's usual registry, which argv does not name (its config files may not either). */
  destinationDefault: boolean;
  /** The tool was recognised by its behaviour but runs under another name. */
  renamed: boolean;
  /** A known tool started from a temporary or hidden location (/tmp, /dev/shm, a dot-directory). */
  unexpectedLocation: boolean;
  /** Its payload is its stdin (PushToolSpec.stdinPayload): a pipeline's other processes read it. */
  stdin: boolean;
  /** Its body can only be its stdin (HTTPie's bare request): a push once fed (../correlate/stdin-fed.ts). */
  stdinBodyOnly?: true;
  /** Only reports back (./reporting-calls.ts): a push past its container's bound (../correlate/report-bound.ts). */
  reportsOnly?: true;
  /** The file that names its destinations when argv does not (`the compose file`): RemoteLocator's declaredIn. */
  declaredIn: string | null;
  /** Its own signing keys (PushToolSpec.signingKeyFlags): its reads of them are not counted as sensitive. */
  keyFiles: readonly string[];
  /** A push because the sensor cut its argv before anything decided it: no remote, its destination its first connection. */
  argvCut: boolean;
  /**
   * Taken for a push from another grouping of the words of an argv the sensor joined with spaces
   * (./joined-argv.ts), not from its plain reading: the process may as well have been what that reading said
   * (`git -c user.name=bot commit -m "push release notes"` also reads as `git -c "user.name=bot commit -m" push`).
   */
  argvRegrouped?: true;
  /** Of those, one a likelier benign reading outranks (./reading-rank.ts): judged once it reached a forge/registry. */
  argvOutranked?: true;
  /**
   * A daemon or BuildKit uploads what the client hands it (docker's push and build forms, buildctl): the
   * client's own connections go to that daemon or builder (`DOCKER_HOST=tcp://…`, buildx's remote or
   * kubernetes driver, `buildctl --addr tcp://…`), so they say nothing of where the image went.
   */
  viaBuilder?: true;
  /**
   * Other remotes argv names beside `remote`, pushed to too (argv.ts otherFlagRemotes), each with its host as
   * `destinationHost` is found for `remote`: an allowlist entry must cover each (../correlate/allowlist.ts).
   */
  otherRemotes?: OtherRemote[];
}
/** A remote a push goes to beside its first, and the host named for it (null: none argv names). */
export interface OtherRemote {
  remote: string;
  host: string | null;
}
/** A signing tool's run that is no push (`cosign sign --key K REF`): its own reads of its keys are not counted. */
export interface SignerRecognition {
  kind: 'signer';
  keyFiles: readonly string[];
}
export type Recognition = PushRecognition | SignerRecognition | { kind: 'download' } | null;

/** Decides whether a generic uploader's URL points at a forge or registry API (from the destination config). */
export type UploadTargetTest = (host: string, path: string) => boolean;

export interface ProcessView {
  binary: string | null;
  args: string | null;
  parentBinary: string | null;
  parentArgs: string | null;
  /** The sensor cut `args` at its capture limit (ProcessRef.argvTruncated). */
  argvTruncated?: boolean;
  /** The arguments `args` holds, where its words may group otherwise (ProcessRef.argvCount). */
  argvCount?: number | undefined;
}

interface Index {
  byName: Map<string, PushToolSpec[]>;
  byPrefix: Array<{ prefix: string; spec: PushToolSpec }>;
  any: PushToolSpec[];
  /**
   * Generic HTTP uploaders with flag-shaped uploads (curl, wget), tried on copies of them in scratch or hidden
   * directories. Not httpie: its data items (`k=v`, `f@file`) are any word with `=` or `@`, as a renamed git's
   * `push https://user:token@host/…` has; nor a client's request command (`az rest`).
   */
  uploaders: PushToolSpec[];
  /** Sub-command clients recognised under another name by their push command lines (PushToolSpec.copiedShape). */
  copied: PushToolSpec[];
}

function buildIndex(specs: readonly PushToolSpec[]): Index {
  const byName = new Map<string, PushToolSpec[]>();
  const byPrefix: Index['byPrefix'] = [];
  const any: PushToolSpec[] = [];
  const uploaders = specs.filter((s) => s.match.kind === 'upload' && !s.match.methodWords && !s.match.words);
  for (const spec of specs) {
    for (const b of spec.binaries) {
      if (b === '*') any.push(spec);
      else if (b.endsWith('*')) byPrefix.push({ prefix: b.slice(0, -1), spec });
      else byName.set(b, [...(byName.get(b) ?? []), spec]);
    }
  }
  const copied = specs.filter((spec) => spec.copiedShape === true);
  return { byName, byPrefix, any, uploaders, copied };
}

const defaultIndex = buildIndex(pushTools);

/**
 * Classifies one process by its binary and argv (and its parent's, for transport helpers); an argv the sensor
 * joined ambiguously, by each of its readings too (./joined-argv.ts).
 */
export function recognizeProcess(
  view: ProcessView,
  isUploadTarget: UploadTargetTest,
  specs?: readonly PushToolSpec[],
): Recognition {
  const plain = recognizeReading(view, isUploadTarget, specs);
  if (view.argvCount === undefined) return plain;
  const read = (v: ProcessView) => notReport(recognizeReading(v, isUploadTarget, specs));
  if (plain?.kind === 'push' && plain.reportsOnly !== true) return plainPushHeld(plain, view, specs ?? pushTools, read);
  const regrouped = otherReadingPush(view, specs ?? pushTools, read);
  return regrouped !== null ? { ...regrouped, argvRegrouped: true } : plain;
}

function recognizeReading(
  view: ProcessView,
  isUploadTarget: UploadTargetTest,
  specs?: readonly PushToolSpec[],
): Recognition {
  const direct = recognizeAs(view, isUploadTarget, specs);
  if (direct !== null && direct.kind === 'push') return direct;
  // An alias defined as a push (`gh alias set up 'gist create'`) is that push (./alias-definitions.ts).
  const defined = aliasDefinedPush(view, (v) => recognizeAs(v, isUploadTarget, specs));
  if (defined !== null) return defined;
  // A script tool runs as its interpreter (`node /usr/local/bin/npm publish`), and a multi-call binary runs
  // its applet in the same process (`busybox wget …`): recognised as the program they run.
  const program = launchedProgram(view);
  if (program === null) return direct;
  return recognizeAs(launchedView(view, program), isUploadTarget, specs) ?? direct;
}

function recognizeAs(
  view: ProcessView,
  isUploadTarget: UploadTargetTest,
  specs?: readonly PushToolSpec[],
): Recognition {
  const index = specs ? buildIndex(specs) : defaultIndex;
  const file = basename(view.binary);
  // A package manager run as its JavaScript file (`…/corepack/v1/pnpm/9.1.0/bin/pnpm.cjs`) is that tool, and
  // gcloud's script and az's module, run by Python, are those CLIs.
  const name = packageManagerName(file) ?? pythonToolName(file) ?? file;
  const candidates = [...(index.byName.get(name) ?? [])];
  for (const p of index.byPrefix) if (name.startsWith(p.prefix)) candidates.push(p.spec);
  let words: string[] | null = null;
  let sawDownload = false;
  let signer: SignerRecognition | null = null;
  for (const spec of candidates) {
    words ??= tokenize(view.args);
    const r = matchSpec(spec, name, words, view, isUploadTarget);
    if (r === 'download') sawDownload = true;
    else if (r?.kind === 'signer') signer ??= r;
    else if (r) return r;
  }
  // Shapes recognised whatever the binary is called: cheap substring checks first.
  const args = view.args;
  if (args && (args.includes('receive-pack') || args.includes('send-pack'))) {
    for (const spec of index.any) {
      words ??= tokenize(args);
      const r = matchSpec(spec, name, words, view, isUploadTarget);
      if (r && r !== 'download' && r.kind === 'push') return r;
    }
  }
  // A generic uploader or a forge or registry client copied under another name into a scratch or hidden
  // directory keeps its command line's shape (./copied-clients.ts), also under a table tool's name whose own
  // reading found no push (`/tmp/.x/git gist create …`), or a download: a download there is none
  // (../correlate/processes.ts), and a copy's push may start with a download word of the name it took
  // (`/tmp/.x/cargo r c --asset FILE`, tea's release; found by review). A shape that fits none keeps the download.
  if (args && isUnexpectedLocation(view.binary)) {
    words ??= tokenize(args);
    const w = words;
    const copy = recognizeCopy(index, (spec) => matchSpec(spec, name, w, view, isUploadTarget));
    if (copy !== null) return copy;
  }
  // A file upload of curl's or wget's under a download's name, wherever it runs (./copied-clients.ts).
  if (sawDownload && args) {
    const w = words ?? tokenize(args);
    const upload = uploadUnderDownloadName(index, w, (spec) => matchSpec(spec, name, w, view, isUploadTarget));
    if (upload !== null) return upload;
  }
  // A download seen decides, unless the words may group otherwise (the padding can plant `fetch` or `pull`).
  if (view.argvTruncated === true && (!sawDownload || view.argvCount !== undefined)) {
    const cut = cutArgvPush(candidates, name, words ?? tokenize(args), view, signer?.keyFiles ?? []);
    if (cut !== null) return cut;
  }
  return signer ?? (sawDownload ? { kind: 'download' } : null);
}

function matchSpec(
  spec: PushToolSpec,
  name: string,
  words: string[],
  view: ProcessView,
  isUploadTarget: UploadTargetTest,
): PushRecognition | SignerRecognition | 'download' | null {
  const m = spec.match;
  const parsed = parseArgv(words, spec.syntax);
  const keyFiles = signingKeyFiles(spec.signingKeyFlags, parsed);
  const push = (remote: string | null, host: string | null, tool = spec.tool, renamed = false): PushRecognition => ({
    kind: 'push',
    spec,
    tool,
    remote,
    destinationHost: destinationHostOf(spec, parsed, host),
    destinationDefault: host === null && destinationIsDefault(spec, parsed),
    renamed: renamed || (spec.usualBinaries !== undefined && !spec.usualBinaries.includes(name)),
    unexpectedLocation: isUnexpectedLocation(view.binary),
    stdin: readsStdin(spec, parsed),
    declaredIn: null,
    keyFiles,
    argvCut: false,
  });
  switch (m.kind) {
    case 'subcommand': {
      for (const d of spec.downloads ?? []) if (commandEnd(parsed, d) >= 0) return 'download';
      if (spec.localDestinations === true && destinationIsLocal(spec, parsed)) return null;
      for (const cmd of m.commands) {
        const remote = matchCommand(cmd, parsed);
        if (remote === undefined) continue;
        const r: PushRecognition = push(remote, destinationOf(spec, remote, cmd));
        if (isReportingApiCall(cmd, parsed, words, isUploadTarget)) r.reportsOnly = true;
        if (uploadedForClient(spec, cmd, name, parsed)) r.viaBuilder = true;
        const others = 'flag' in cmd.remote ? otherFlagRemotes(parsed, cmd.remote, remote) : [];
        const cut = 'flag' in cmd.remote && view.argvTruncated === true;
        if (others.length > 0 || cut) r.otherRemotes = otherDestinations(spec, parsed, others, cut);
        return 'declaredIn' in cmd.remote && cmd.remote.declaredIn !== undefined
          ? { ...r, declaredIn: cmd.remote.declaredIn }
          : r;
      }
      return keyFiles.length > 0 ? { kind: 'signer', keyFiles } : null;
    }
    case 'upload': {
      const up = uploadRequest(m, parsed, words, isUploadTarget);
      return up ? { ...push(up.url.word, up.url.host), ...up.marks } : null;
    }
    case 'script-upload': {
      const args = view.args ?? '';
      const target = m.verbs.test(args) ? scriptUploadTarget(args, isUploadTarget) : null;
      return target && push(target.remote, target.host, name.replace(/[0-9.]+$/, '') || name);
    }
    case 'ssh-receive-pack': {
      const at = words.findIndex((w) => w.startsWith('git-receive-pack') || w.startsWith('receive-pack'));
      if (at < 0) return null;
      const target = parseArgv(words.slice(0, at), spec.syntax).positionals[0];
      if (!target) return null;
      const host = target.includes('@') ? target.slice(target.indexOf('@') + 1) : target;
      if (!/^[a-z0-9.-]+$/i.test(host)) return null;
      const inline = words[at]!.split(/\s+/)[1];
      const repo = (inline ?? words[at + 1] ?? '').replace(/^['"]|['"]$/g, '');
      // A dotless target is a `Host` alias of ssh's config (`git push gh:evil/x`): still a push, to the
      // server the alias names, which the first connect shows.
      return push(repo ? `${target}:${repo}` : target, host.includes('.') ? host.toLowerCase() : null);
    }
    case 'send-pack': {
      const at = parsed.positionals.indexOf('send-pack');
      if (at < 0) return null;
      const url = parsed.positionals.slice(at + 1).find((p) => urlHost(p) !== null || scpLikeHost(p) !== null) ?? null;
      return push(url, url ? destinationOf(spec, url) : null);
    }
    case 'helper-of-push': {
      const parentWords = tokenize(view.parentArgs);
      if (!parentWords.some((w) => m.parentWords.includes(w))) return null;
      const remote = parsed.positionals[1] ?? parsed.positionals[0] ?? null;
      // The helper is git's own; a parent that is not git is a renamed or copied git doing the push.
      const parentName = basename(view.parentBinary);
      const renamedGit = parentName !== '' && parentName !== 'git';
      return push(remote, remote ? destinationOf(spec, remote) : null, spec.tool, renamedGit);
    }
    case 'archive-to-stdout': {
      const parentName = basename(view.parentBinary);
      if (!m.parentBinaries.some((p) => parentName === p || parentName.startsWith(`${p}-`))) return null;
      if (m.shells.includes(name)) {
        const path = kubectlResumablePath(words);
        return path === null ? null : push(path, null);
      }
      return isTarCreateToStdout(words, tarFlavourOf(name)) ? push(podSideRemote(words), null) : null;
    }
    case 'engine-api-push': {
      const ref = engineApiPushRef(parsed);
      return ref === null ? null : push(ref, destinationOf(spec, ref));
    }
    case 'url-commit': {
      const found = matchUrlCommit(m, parsed);
      if (found === null) return null;
      const r = push(found.remote, destinationOf(spec, found.remote));
      return found.stdin ? { ...r, stdin: true } : r;
    }
  }
}

/** undefined: the command does not match; otherwise the remote (maybe null). */
function matchCommand(cmd: CommandSpec, parsed: ParsedArgv): string | null | undefined {
  const end = cmd.goal ? goalEnd(parsed, cmd.goal) : commandEnd(parsed, cmd.words);
  if (end < 0) return undefined;
  const rest = parsed.positionals.slice(end);
  if (rest.length < (cmd.minPositionals ?? 0) || rest.length > (cmd.maxPositionals ?? rest.length)) return undefined;
  if (cmd.excludeFlags?.some((f) => flagInForce(parsed, f, cmd.flagAliases))) return undefined;
  if (cmd.offFlags?.some((f) => !flagInForce(parsed, f) && parsed.flags.some((x) => x.flag === f))) return undefined;
  if (cmd.requireAnyFlag && !cmd.requireAnyFlag.some((req) => hasFlag(parsed, req))) return undefined;
  if (cmd.excludeAnyFlag?.some((req) => hasFlag(parsed, req))) return undefined;
  if (cmd.skipProperties?.some((name) => javaPropertyTrue(parsed, name))) return undefined;
  if (cmd.podSourceAt !== undefined && !(rest[cmd.podSourceAt] ?? '').includes(':')) return undefined;
  if (cmd.localUploadAt !== undefined && !isLocalUpload(rest[cmd.localUploadAt])) return undefined;
  if (cmd.configOnly && rest.length > 0 && rest.every((p) => cmd.configOnly!.test(p))) return undefined;
  const remote = locate(cmd.remote, rest, parsed);
  if (cmd.reads && isApiRead(cmd.reads, parsed, remote)) return undefined;
  // Schemes are case-insensitive (`HTTPS://host/…` reaches the server too).
  if (cmd.remotePrefix && !(remote && cmd.remotePrefix.some((p) => remote.toLowerCase().startsWith(p))))
    return undefined;
  if (cmd.localRemotePrefix?.some((p) => remote?.toLowerCase().startsWith(p))) return undefined;
  // `^/` is svn's repository root, a server URL too.
  if (cmd.localSource && !rest.some((p) => p !== remote && !/^(?:[a-z][a-z0-9+.-]*:\/\/|\^\/)/i.test(p)))
    return undefined;
  return remote;
}

function locate(loc: RemoteLocator, rest: string[], parsed: ParsedArgv): string | null {
  if ('none' in loc) return null;
  if ('firstUrl' in loc) return rest.find((p) => urlHost(p) !== null) ?? null;
  if ('flag' in loc) {
    const f = parsed.flags.find((x) => loc.flag.includes(x.flag) && x.value);
    if (f) return flagRemote(f.value!, loc.key, loc.afterLast);
    if (loc.fallbackKeyed !== undefined) return locate({ ...loc.fallbackKeyed }, rest, parsed);
    return loc.fallbackPositional === undefined ? null : locate({ positional: loc.fallbackPositional }, rest, parsed);
  }
  const given = loc.positional === 'last' ? rest[rest.length - 1] : rest[loc.positional];
  if (given !== undefined || loc.fallbackFlag === undefined) return given ?? null;
  // The last of the flag and its negation decides (`--repo X --no-repo`: none).
  const negation = `--no-${loc.fallbackFlag.slice(2)}`;
  let value: string | null = null;
  for (const f of parsed.flags) {
    if (f.flag === loc.fallbackFlag) value = f.value;
    else if (f.flag === negation) value = null;
  }
  return value;
}

function readsStdin(spec: PushToolSpec, parsed: ParsedArgv): boolean {
  const reqs = spec.stdinPayload ?? [];
  return parsed.flags.some(
    (f) => f.value !== null && reqs.some((r) => r.flags.includes(f.flag) && r.value.test(f.value!)),
  );
}
