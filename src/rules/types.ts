import type { Severity } from '../model/alert.js';
import type { FlagSyntax } from './argv.js';

/** A flag that must be present (any value), or present with one of `values` (compared upper-cased). */
export interface FlagRequirement {
  flags: readonly string[];
  values?: readonly string[];
  /** The value must contain one of these (case-insensitive), e.g. `type=registry` in `--output`. */
  valueContains?: readonly string[];
  /** The value must match (`push=1` in `--output`: ./tools/flags.ts OUTPUT_PUSH). */
  valueMatches?: RegExp;
}

/**
 * A flag whose value says the upload's payload is the tool's stdin (`curl -T -`, `--data-binary @-`): the
 * processes of its pipeline, not the tool, read what it sends.
 */
export interface StdinFlag {
  flags: readonly string[];
  /** Matched against the flag's value. */
  value: RegExp;
}

/** Where the remote (URL, image reference, repository) is in argv. Positions count after the command words. */
export type RemoteLocator =
  | {
      positional: number | 'last';
      /**
       * With no such positional, the last value of this flag (`git push --repo URL`: git takes it for the
       * repository argument when none is given); its negation (`--no-repo`) takes it back.
       */
      fallbackFlag?: string;
    }
  | {
      flag: readonly string[];
      fallbackPositional?: number | 'last';
      /** The remote is this key's value inside the flag's `k=v,…` list (`--cache-to type=registry,ref=REF`). */
      key?: string;
      /** The remote is what follows the value's last `::` (Maven's `-DaltDeploymentRepository=ID::URL`). */
      afterLast?: string;
      /**
       * With none of `flag`, this key's value in another flag's list: a build naming its image only in the
       * output that pushes (`--output type=image,name=REF,push=true`, no `-t`).
       */
      fallbackKeyed?: { flag: readonly string[]; key: string };
    }
  | { firstUrl: true }
  /**
   * argv names no remote. `declaredIn`: the destinations are in a file the sensors do not show (`docker compose
   * push` pushes the images its compose file names), which the alert says when nothing else names one.
   */
  | { none: true; declaredIn?: string };

export interface CommandSpec {
  /** Leading positional words: `['push']`, `['release', 'upload']`. Empty: any command line. */
  words: readonly string[];
  /**
   * With empty `words`: a positional anywhere that matches, the remote's positions counting after it. Build
   * tools run several goals or tasks in one run, in any order (`mvn clean deploy`, `gradle build publish`).
   */
  goal?: RegExp;
  remote: RemoteLocator;
  /** At least one must be present (`gh api` only writes with a method or fields). */
  requireAnyFlag?: readonly FlagRequirement[];
  /** None may be present (`git push --dry-run`, kaniko `--no-push`). */
  excludeFlags?: readonly string[];
  /**
   * None may be present with such a value (`skaffold build --kube-context kind-ci`: a local cluster's images
   * are loaded into it, not pushed).
   */
  excludeAnyFlag?: readonly FlagRequirement[];
  /**
   * JVM system properties that skip the upload when true as Java reads them (`-Dmaven.deploy.skip`, also
   * `-D maven.deploy.skip=true`): true only for `true`, so `=yes`, `=0`, `=releases` do not skip.
   */
  skipProperties?: readonly string[];
  /**
   * Booleans on by default that, turned off, make it no push: the last occurrence has a false value
   * (`cosign sign --upload=false`, `attest-blob --tlog-upload=false`).
   */
  offFlags?: readonly string[];
  /**
   * Other names of an excluded flag (`-n` for git's `--dry-run`): one option, so its negation takes back any
   * of its names (`git push -n --no-dry-run` pushes).
   */
  flagAliases?: Readonly<Record<string, string>>;
  /** The remote must start with one of these (`skopeo copy … docker://…`: other transports are local). */
  remotePrefix?: readonly string[];
  /** The remote must not start with one of these (`regctl image copy … ocidir://…` writes to disk). */
  localRemotePrefix?: readonly string[];
  /** Positionals after the command words needed (`gh release create TAG FILE…` uploads only with files). */
  minPositionals?: number;
  /** At most this many positionals after the command words (`goreleaser --clean` is `goreleaser release --clean`). */
  maxPositionals?: number;
  /** The positional at this index (after the command words) must contain `:` (kubectl cp POD:PATH local). */
  podSourceAt?: number;
  /**
   * The positional at this index (after the command words) is a local directory or file the tool uploads
   * (`az acr build … SOURCE`): it must be given, and not be a URL (`scheme://`, `git@host:`), which the
   * service fetches itself, nor `/dev/null` (`az acr run --cmd … /dev/null`: no context at all).
   */
  localUploadAt?: number;
  /**
   * Positionals (after the command words) that name files holding configuration alone, no source: when every
   * one given matches, nothing of the machine's is uploaded (`gcloud app deploy cron.yaml`). None given still
   * matches the command (`gcloud app deploy` deploys the working directory's app).
   */
  configOnly?: RegExp;
  /** Some positional besides the remote must be local, not a URL (`svn copy WC URL` sends the working copy). */
  localSource?: boolean;
  /**
   * Of a tool whose daemon or BuildKit uploads (PushToolSpec.bridged, builderClient), a command the client
   * uploads itself (`docker manifest push`, `buildx imagetools create`, compose's publish): its own
   * connections go to the registry.
   */
  clientUploads?: true;
  /**
   * Of a tool that uploads itself, a command whose upload BuildKit makes for it (nerdctl's build forms run
   * buildctl, local or `--buildkit-host tcp://…`): its own connections go to BuildKit (PushRecognition.viaBuilder).
   */
  builderUploads?: true;
  /** Forms that only read though they carry fields (`gh api -X GET … -f q=x`, a GraphQL query): not a push. */
  reads?: ApiReads;
  /** Calls that only report back to the forge with a short inline body (a status, a comment): not a push. */
  reports?: ReportingCalls;
  /**
   * How this command's remote names its host, where it differs from the tool's (`helm cm-push CHART REPO`: a
   * chartmuseum's URL or a repository name, not an image reference like `helm push`'s `oci://…`).
   */
  destination?: DestinationFrom;
}

/**
 * How a forge API call that only reports back (a commit status, a comment, a label) is told apart from an
 * upload: the flags it may carry, which of them are data, and which values read a file. ./reporting-calls.ts.
 */
export interface ReportingCalls {
  /** Every flag such a call may carry; any other (`-T`, `-F`, `--config`, `--request-target`) keeps it a push. */
  flags: readonly string[];
  /** Flags whose value is sent as data: held to REPORT_MAX_BYTES and checked for secret shapes. */
  dataFlags: readonly string[];
  /** Values that name a file or stdin to read (`-d @F`, `-H @F`, `-F body=@F`): then not inline. */
  fileValues: readonly StdinFlag[];
}

/**
 * How an API client's call that carries fields can still be a read: the fields of a GET go into the URL's
 * query string, and a GraphQL document sent to the `graphql` endpoint (always a POST) writes only as a
 * `mutation`. Interpreted by ./recognize.ts.
 */
export interface ApiReads {
  /** Method flags (`-X`, `--method`) and the values that read (`GET`, `HEAD`; compared upper-cased). */
  methodFlags: readonly string[];
  methods: readonly string[];
  /** The remote (the endpoint) that takes a GraphQL document. */
  graphqlEndpoint: string;
  /** A body or field from a file or stdin (`--input F`, `-F x=@F`): argv does not show it, so it may write. */
  fileBody: readonly FlagRequirement[];
}

/** How argv says "this is a push". Interpreted by ./recognize.ts; kept declarative so tools are data. */
export type PushMatcher =
  /** Sub-command tools: git, docker, crane, skopeo, oras, helm, gh, glab, kubectl, npm, twine, kaniko… */
  | { kind: 'subcommand'; commands: readonly CommandSpec[] }
  /** Generic HTTP clients: an upload flag (or a writing method) and a URL. */
  | {
      kind: 'upload';
      uploadFlags: readonly FlagRequirement[];
      methodWords?: readonly string[];
      /** The URL may be a glob the tool expands (curl's `{a,b}`, `[a-z]`; not with `-g`): ../upload-urls.ts. */
      urlGlobs?: true;
      /**
       * A request naming no method among `readMethods` and no data may send stdin as its body (HTTPie, xh), unless
       * one of `unlessFlags` is given (`--ignore-stdin`): ../upload-shapes.ts.
       */
      stdinBody?: { readMethods: readonly string[]; unlessFlags: readonly string[] };
      /** The URL may hide its host in a variable (curl's `--expand-url https://{{H}}/…`): ../upload-urls.ts. */
      urlVariables?: true;
      /** Flags whose value is the URL (`--url` when not given; `az rest --uri`). */
      urlFlags?: readonly string[];
      /** Leading positional words of a client's generic request command (`az rest`): only that command uploads. */
      words?: readonly string[];
      /** Calls that only report back to a forge with a short inline body: ../reporting-calls.ts. */
      reports?: ReportingCalls;
    }
  /** A word in argv that only a push carries (`git-receive-pack` after an ssh target). */
  | { kind: 'ssh-receive-pack' }
  /** Any binary running git's push plumbing (`send-pack`): renamed or copied git. */
  | { kind: 'send-pack' }
  /** Transport helper (`git-remote-https origin URL`) whose parent is pushing. */
  | { kind: 'helper-of-push'; parentWords: readonly string[] }
  /** Interpreters with an inline script naming a forge URL and a writing verb. */
  | { kind: 'script-upload'; verbs: RegExp }
  /**
   * An HTTP client calling a container engine's API to push an image (`curl --unix-socket
   * /var/run/docker.sock -X POST http://localhost/images/REF/push`): the daemon uploads. Interpreted by
   * ../engine-api.ts.
   */
  | { kind: 'engine-api-push' }
  /**
   * `tar cf - PATH` started by the container runtime: the pod side of `kubectl cp` out of the cluster; also a
   * shell (`shells`) running kubectl's resumable form, `sh -c "tar cf - PATH | tail -c+OFFSET"`.
   */
  | { kind: 'archive-to-stdout'; parentBinaries: readonly string[]; shells: readonly string[] }
  /**
   * A client that commits straight to a repository URL (`svnmucc ACTION… URL`): a run that reaches a server
   * with data from the machine is a push. Interpreted by ./url-commit.ts.
   */
  | {
      kind: 'url-commit';
      /** Flags naming a file of more actions (`-X FILE`): a push, since argv does not show them. */
      moreActionsFlags: readonly string[];
      /** Flags that send a local file's contents with any commit (`-F FILE`: its log message). */
      dataFlags: readonly string[];
      /** Action words that send data from the machine (`put`, `propsetf`, `propset`). */
      uploadWords: readonly string[];
      /** Flags naming the URL that relative action URLs are under (`-U ROOT-URL`). */
      rootUrlFlags: readonly string[];
      /** URL prefixes that reach a server (compared lower-cased): `file://` stays on the machine. */
      remotePrefix: readonly string[];
      /** Flags that make the tool print and exit without committing (`--help`, `--version`). */
      excludeFlags: readonly string[];
    };

/** A generic HTTP client's matcher (curl, wget, HTTPie, `az rest`): ./upload-shapes.ts, ./upload-urls.ts. */
export type UploadMatcher = Extract<PushMatcher, { kind: 'upload' }>;

/** How the destination host is derived from the remote. */
export type DestinationFrom = 'url' | 'image-ref' | 'ssh-target' | 'git-remote' | 'fixed' | 'none';

/** One push tool. Adding a tool = one entry in ./push-tools.ts plus a scenario in test/unit/correlate. */
export interface PushToolSpec {
  /** `push.tool` in alerts. */
  tool: string;
  description: string;
  /** Executable basenames; an entry ending in `*` is a prefix (`python3*`). `*` alone: any binary. */
  binaries: readonly string[];
  /** With `binaries: ['*']`: the names this shape normally runs under; any other name is a renamed binary. */
  usualBinaries?: readonly string[];
  syntax: FlagSyntax;
  match: PushMatcher;
  destination: DestinationFrom;
  /** For `fixed` (and as a fallback when argv gives no host). */
  fixedDestination?: string;
  /** Flags whose value is the destination host or a URL on it (`gh --hostname`, `npm --registry`). */
  destinationFlags?: readonly string[];
  /**
   * Flags naming a source configured in the tool's own files (`cargo --registry corp`, `twine -r`, nuget's
   * `--source`): a URL value gives its host; a name leaves the destination to the first connect.
   */
  sourceNameFlags?: readonly string[];
  /** A source-name flag may name a local directory instead of a server: then it is not a push. */
  localDestinations?: boolean;
  /**
   * The binaries run other programs too (`dotnet App.dll`): an egress push by them is not this tool's, so it
   * is judged as an unknown binary's.
   */
  runtime?: boolean;
  /**
   * Generic upload tools (curl, wget, httpie, interpreters) are a push only towards a destination classed
   * as a forge or registry; a tool whose protocol is a push (git, docker…) is one whatever the host.
   */
  requiresClassedDestination: boolean;
  /**
   * Its fetches and its pushes go through the same child transports (git's `git-remote-https` helper, its
   * ssh client), and each of its pushes shows a step recognised on its own (`send-pack`, `git-receive-pack`,
   * `git-lfs push`). Taken for a push from a command line the sensor cut (../rules/cut-argv.ts), or from
   * another grouping of words the sensor joined with spaces (../rules/joined-argv.ts), it is one only once such a
   * step joins it or its own process connects (git://): its children's connections decide nothing (`git -c
   * http.extraHeader=<4 KiB token> fetch` connects through its helper as a push would), and a bot's `git -c
   * user.name=bot commit -m "push release notes"`, which also reads as a push to remote `release`, runs none.
   */
  cutArgvNeedsStep?: true;
  /**
   * Its push command lines are its own (`gist create`, `artifact put REF`, `copy … docker://REF`), so a copy of
   * it under another name in a scratch or hidden directory, or run fileless (./locations.ts), is still
   * recognised by them (found by red-team review: `cp "$(command -v gh)" /tmp/.x/kworker; /tmp/.x/kworker gist
   * create ~/.kube/config` raised nothing). Only tools that upload themselves, whose push is a sub-command: git
   * only to a `git://` URL (over https or ssh its copy is seen by its helpers), not a build tool whose plain
   * `build` or `deploy` pushes, which any program may say. An image client's copy must name its registry
   * (`ghcr.io/x`, not `x`) for the same reason (../copied-clients.ts).
   */
  copiedShape?: true;
  /** The upload leaves from a daemon on the host (docker.sock): link its egress on the node. */
  bridged?: boolean;
  /**
   * A client that hands the build to BuildKit (`buildctl`), local or remote (`--addr tcp://buildkitd:1234`):
   * BuildKit uploads, and the client's own connections go to it, not to the registry (PushRecognition.viaBuilder).
   */
  builderClient?: true;
  /**
   * A client that pushes itself unless run as one of `binaries` or with one of `flags` (podman-remote:
   * `podman --remote`, `--url tcp://…`, `--connection NAME`): a service elsewhere then uploads, and the
   * client's own connections go to it (PushRecognition.viaBuilder). A flag given `false` or `0` does not count.
   */
  remoteClient?: { binaries: readonly string[]; flags: readonly string[] };
  /** Flags that make the push read its payload from stdin (PushRecognition.stdin). */
  stdinPayload?: readonly StdinFlag[];
  /**
   * Flags naming a private key the tool signs with (`cosign --key cosign.key`): only a signature made with it
   * leaves, so the tool's own reads of that file are not counted as sensitive (../signing-keys.ts), whether or
   * not the command is a push.
   */
  signingKeyFlags?: readonly string[];
  /** Sub-commands that download (clone, fetch, pull): their lineage's egress never counts as a push. */
  downloads?: readonly (readonly string[])[];
  /**
   * The tool's everyday sub-commands that neither push nor download (`upgrade`, `build`, `commit`): with Falco's
   * unquoted argv, a push read only by gluing one of them into an option's value loses to the reading where a
   * `key=value` text holds the push word (../reading-rank.ts). Without the list, no reading loses that way.
   */
  commonCommands?: readonly string[];
  /** Command lines (argv without argv[0]) the table test checks: each must be a push / must not. */
  examples: { push: readonly string[]; notPush: readonly string[] };
}

/** What a rule sees about one judged push. */
export interface PushFacts {
  readBytes: number;
  readFiles: number;
  sensitiveFiles: number;
  archiveStaging: boolean;
  /** The tool was recognised by its behaviour but runs under another name, or from a temp location. */
  renamedOrUnexpected: boolean;
  /** Bytes the push sent towards its destination by the time it was judged (0 where the sensor does not say). */
  egressBytes: number;
}

export interface RuleThresholds {
  bulkReadBytes: number;
  criticalBulkFactor: number;
  moderateReadBytes: number;
  moderateReadFiles: number;
  bulkEgressBytes: number;
}

/** A detection rule: evaluated in registry order, the first that matches names the alert. */
export interface RuleDefinition {
  id: string;
  description: string;
  /** Severity in words, for docs and `check-config`-style listings. */
  severityText: string;
  matches(facts: PushFacts, t: RuleThresholds): boolean;
  severity(facts: PushFacts, t: RuleThresholds): Severity;
}
