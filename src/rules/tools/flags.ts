/** Flag syntaxes and method lists shared by the push-tool table entries. */
import type { ReportingCalls } from '../types.js';

/** cobra's and urfave/cli's help flags: the command prints its usage and runs nothing. */
export const HELP_FLAGS = ['-h', '--help'];
export const WRITE_METHODS = ['POST', 'PUT', 'PATCH'] as const;
export const API_WRITES = [
  { flags: ['-X', '--method'], values: WRITE_METHODS },
  { flags: ['-f', '-F', '--field', '--raw-field', '--input'] },
] as const;
/**
 * `gh api` and `glab api` calls that read though they carry fields: a GET (its fields become the query
 * string) and a GraphQL `query` (CI jobs look up their pull request that way). Data in either reaches only
 * the forge's request logs.
 */
export const API_READS = {
  methodFlags: ['-X', '--method'],
  methods: ['GET', 'HEAD'],
  graphqlEndpoint: 'graphql',
  fileBody: [{ flags: ['--input'] }, { flags: ['-F', '--field'], valueContains: ['=@'] }],
} as const;
/**
 * `gh api`'s and `glab api`'s calls that only report back (../reporting-calls.ts): fields given inline (`-f`,
 * `-F` but `-F k=@FILE`), not `--input`.
 */
export const API_REPORTS: ReportingCalls = {
  flags: [
    ...['-X', '--method', '-f', '--raw-field', '-F', '--field', '-H', '--header', '--hostname', '-q', '--jq'],
    ...['-t', '--template', '--silent', '-i', '--include', '--paginate', '--verbose', '--cache', '-p', '--preview'],
    '--',
  ],
  dataFlags: ['-f', '--raw-field', '-F', '--field'],
  fileValues: [{ flags: ['-F', '--field'], value: /^[^=]*=@/ }],
};
/** `gh api --input -`, `glab api --input -`: the request body is stdin. */
export const API_STDIN = [{ flags: ['--input'], value: /^-$/ }] as const;

/** git's own options before the command that take a value (`git -c k=v -C dir push`). */
export const GIT_GLOBAL_VALUE_FLAGS = ['-c', '-C', '--git-dir', '--work-tree', '--namespace', '--config-env'];
/**
 * git's global value options and `git push`'s: those that take their value as the next word too. Not
 * `--force-with-lease` or `--signed`, whose value is optional and so only taken after `=` (parse-options'
 * PARSE_OPT_OPTARG): the next word is the repository. `--recurse-submodules` takes one (found by review:
 * `push --recurse-submodules check URL` took `check` for the remote).
 */
export const GIT_VALUE_FLAGS = [
  ...GIT_GLOBAL_VALUE_FLAGS,
  ...['-o', '--push-option', '--repo', '--receive-pack', '--exec', '--recurse-submodules'],
];
/**
 * `git push`'s long options (git 2.39's `git push --git-completion-helper-all`, and 2.46's `--branches`): git
 * takes any unambiguous prefix of one, negated too (../git-options.ts), so each is needed to tell which
 * prefixes are ambiguous.
 */
export const GIT_PUSH_LONG_OPTIONS = [
  ...['verbose', 'quiet', 'repo', 'all', 'branches', 'mirror', 'delete', 'tags', 'dry-run', 'porcelain', 'force'],
  ...['force-with-lease', 'force-if-includes', 'recurse-submodules', 'thin', 'receive-pack', 'exec'],
  ...['set-upstream', 'progress', 'prune', 'no-verify', 'follow-tags', 'signed', 'atomic', 'push-option'],
  ...['ipv4', 'ipv6'],
];
export const DOCKER_VALUE_FLAGS = [
  '-H',
  '--host',
  '--config',
  '--context',
  '-l',
  '--log-level',
  '--tlscacert',
  '--tlscert',
  '--tlskey',
  '--platform',
  '-t',
  '--tag',
  '-f',
  '--file',
  '--build-arg',
  '--output',
  '-o',
  '--cache-from',
  '--cache-to',
  '--target',
  '--secret',
  '--ssh',
  '--label',
  '--builder',
  '--progress',
  '--iidfile',
  '--metadata-file',
  '--network',
  '--add-host',
  '--build-context',
  '--creds',
  '--authfile',
  '--format',
  '--digestfile',
  '--sign-by',
  '--compression-format',
  '--retry',
  // bake's `--set TARGET.KEY=VALUE` (`*.push=true` was read as a positional: no push).
  '--set',
  // `compose publish --oci-version 1.1 REPOSITORY`.
  '--oci-version',
  // buildx's `--call check` (build and bake). Whatever it names, a build with `--push` stays a push: buildx keeps
  // the outputs and leaves the call to the build's frontend, which a Dockerfile's `# syntax=` line chooses and the
  // sensors do not show, and one may ignore it and build (found by red-team review; docs/detection.md).
  '--call',
];
export const GH_VALUE_FLAGS = [
  '-R',
  '--repo',
  '-X',
  '--method',
  '-f',
  '-F',
  '--field',
  '--raw-field',
  '--input',
  '-H',
  '--header',
  '--hostname',
  '-t',
  '--title',
  '-n',
  '--notes',
  '--notes-file',
  // Not `-d`: `gh gist create -d DESC`, but `gh release create TAG -d FILE…` is `--draft`, a boolean, and
  // taking the first asset for its value hid the upload (a description read as a positional harms nothing).
  '--desc',
  '--description',
  '--source',
  '--remote',
  '--jq',
  '-q',
  '--template',
  '--visibility',
  '--homepage',
  '--team',
  '--gitignore',
  '--license',
  '--filename',
  '-a',
  '--add',
  '-r',
  '--remove',
  '--target',
  '-b',
  '--body',
];
/** pflag (gh, glab) takes a short flag's value attached too: `-XPOST`, `-fbody=x`, `-Rowner/repo`. */
export const GH_VALUE_SHORT_LETTERS = 'RXfFHtnqarb';
/**
 * curl's calls that only report back to a forge (../reporting-calls.ts): data given inline (`-d TEXT`, `--json
 * TEXT`, `--data-raw`), no `-T`, `-F`, `-K`, `--variable`, `--request-target`, `--resolve`/`--connect-to` or proxy,
 * no `-H @FILE` (headers from a file).
 */
export const CURL_REPORTS: ReportingCalls = {
  flags: [
    ...['-s', '--silent', '-S', '--show-error', '-f', '--fail', '--fail-with-body', '-L', '--location', '-i'],
    ...['--include', '-v', '--verbose', '-k', '--insecure', '-g', '--globoff', '-G', '--get', '--compressed'],
    ...['--no-progress-meter', '-4', '-6', '--ipv4', '--ipv6', '--http1.1', '--http2', '-N', '--no-buffer'],
    ...['--retry-connrefused', '--retry-all-errors', '--retry', '--retry-delay', '--retry-max-time', '-m'],
    ...['--max-time', '--connect-timeout', '-X', '--request', '-H', '--header', '-u', '--user', '--oauth2-bearer'],
    ...['-o', '--output', '-w', '--write-out', '-A', '--user-agent', '-D', '--dump-header', '--cacert', '--url'],
    ...['-d', '--data', '--data-binary', '--data-ascii', '--data-raw', '--data-urlencode', '--json', '--'],
  ],
  dataFlags: ['-d', '--data', '--data-binary', '--data-ascii', '--data-raw', '--data-urlencode', '--json'],
  fileValues: [
    {
      flags: ['-d', '--data', '--data-binary', '--data-ascii', '--json', '-H', '--header', '-w', '--write-out'],
      value: /^@/,
    },
    // `--data-urlencode [name]@FILE`.
    { flags: ['--data-urlencode'], value: /^[^=]*@/ },
  ],
};
/** curl's single-letter options that take a value, also when combined (`-sXPOST`, `-sT file`). */
export const CURL_VALUE_SHORT_LETTERS = 'dFHTXuoeAbcKmxwrEyYzCPQD';
export const CURL_VALUE_FLAGS = [
  '--data',
  '--data-binary',
  '--data-raw',
  '--data-ascii',
  '--data-urlencode',
  '--expand-data',
  '--form',
  '--form-string',
  '--json',
  '--upload-file',
  '--request',
  '--header',
  '--user',
  '--output',
  '--url',
  '--cacert',
  '--cert',
  '--key',
  '--proxy',
  '--proxy-user',
  '--connect-timeout',
  '--max-time',
  '--retry',
  '--retry-delay',
  '--user-agent',
  '--referer',
  '--cookie',
  '--cookie-jar',
  '--config',
  '--resolve',
  '--write-out',
  '--oauth2-bearer',
  '--unix-socket',
  '--variable',
  '--limit-rate',
  '--range',
  '--interface',
  '--dns-servers',
  '--doh-url',
  '--aws-sigv4',
];

/**
 * A BuildKit output that pushes: `push=` with any value Go's strconv.ParseBool takes for true (`1`, `t`,
 * `TRUE`…), as BuildKit's exporter and bake do. Found by review: only `push=true` was looked for, so
 * `--output type=image,name=REF,push=1` and bake's `--set *.push=1` pushed unseen. The list is CSV with its keys
 * trimmed (../build-outputs.ts): the field may be quoted (`"push=true"`, where the quotes reach us) or spaced.
 */
export const OUTPUT_PUSH = /(?:^|,)"?\s*push\s*=(?:1|t|true)"?(?:,|$)/i;
/** Bake's `--set TARGET.push=BOOL` (not a build argument named push: `*.args.push=true`), or an output that pushes. */
export const BAKE_SET_PUSH = /^[^.=]+\.push=(?:1|t|true)$|(?:^|,)"?\s*push\s*=(?:1|t|true)"?(?:,|$)/i;

/** A build that pushes its image (`--push`, or an output that does). */
export const BUILD_PUSH = {
  // With no tag, the image the output that pushes names (else the destination would be the first connect, a
  // remote BuildKit's own address).
  remote: { flag: ['-t', '--tag'], fallbackKeyed: { flag: ['--output', '-o'], key: 'name' } },
  requireAnyFlag: [
    { flags: ['--push'] },
    { flags: ['--output', '-o'], valueContains: ['type=registry'] },
    { flags: ['--output', '-o'], valueMatches: OUTPUT_PUSH },
  ],
} as const;

/**
 * A build that exports its cache to a registry (`--cache-to type=registry,ref=REF`) uploads the layers it
 * built, with whatever the build copied from the context, even without `--push`.
 */
export const CACHE_EXPORT = {
  remote: { flag: ['--cache-to'], key: 'ref' },
  requireAnyFlag: [{ flags: ['--cache-to'], valueContains: ['type=registry'] }],
} as const;

/** The AWS CLI's global options that take a value (./cloud-clis.ts, ./cloud-deploys.ts). */
export const AWS_GLOBAL_VALUE_FLAGS = [
  ...['--region', '--profile', '--endpoint-url', '--output', '--query', '--ca-bundle', '--color'],
  ...['--cli-read-timeout', '--cli-connect-timeout', '--cli-binary-format', '--cli-input-json'],
];

/** gcloud's global options that take a value: unlisted, a value was taken for a source (./cloud-clis.ts). */
export const GCLOUD_GLOBAL_VALUE_FLAGS = [
  ...['--project', '--account', '--configuration', '--format', '--verbosity', '--impersonate-service-account'],
  ...['--billing-project', '--access-token-file', '--flags-file', '--flatten', '--trace-token'],
];

/** The Azure CLI's global options that take a value. */
export const AZ_GLOBAL_VALUE_FLAGS = ['--subscription', '--output', '-o', '--query'];

/**
 * Everyday sub-commands (PushToolSpec.commonCommands): a push read only by gluing one into an option's value,
 * beside a `key=value` text that can hold the push word, is that text (../reading-rank.ts).
 */
export const DOCKER_COMMANDS: readonly string[] = [
  ...['build', 'buildx', 'builder', 'compose', 'container', 'context', 'cp', 'create', 'exec', 'image', 'images'],
  ...['info', 'inspect', 'load', 'login', 'logout', 'logs', 'network', 'ps', 'rm', 'rmi', 'run', 'save', 'start'],
  ...['stop', 'system', 'tag', 'version', 'volume'],
];
export const HELM_COMMANDS: readonly string[] = [
  ...['create', 'dependency', 'env', 'get', 'history', 'install', 'lint', 'list', 'package', 'plugin', 'registry'],
  ...['repo', 'rollback', 'search', 'show', 'status', 'template', 'test', 'uninstall', 'upgrade', 'verify'],
  'version',
];
export const GIT_COMMANDS: readonly string[] = [
  ...['add', 'am', 'apply', 'archive', 'bisect', 'blame', 'branch', 'checkout', 'cherry-pick', 'clean', 'commit'],
  ...['config', 'describe', 'diff', 'gc', 'grep', 'init', 'log', 'merge', 'mv', 'rebase', 'remote', 'reset'],
  ...['restore', 'rev-parse', 'revert', 'rm', 'show', 'stash', 'status', 'switch', 'tag', 'worktree'],
];
