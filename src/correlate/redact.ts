/**
 * Credentials never reach an alert, a log line or a metric (INTERFACES.md). Everything the correlator
 * copies from argv, URLs or paths into an alert or a log goes through `redact`. Sinks and loggers may
 * reuse it. Runs when an alert or a log line is built, and once per reporting call recognised
 * (../rules/reporting-calls.ts' secretShaped), never per event, so regexes are fine here; argv is the
 * attacker's, so none may be super-linear in it.
 */

import { DB_PASSWORD, FILE_VALUE, QUOTED_OR_WORD, SETTING_VALUE, STDIN_VALUE } from './argv-values.js';
import { ARGV_CUT_NOTE_PATTERN } from './command-line.js';
import { encodedSecret } from './encoded-secrets.js';

export const REDACTED = '[REDACTED]';

type Rule = [RegExp, string | ((substring: string, ...groups: string[]) => string)];

/**
 * NAME=value's value: quoted up to its closing quote (spaces and lines and all: a `sh -c` script's value may span
 * lines), or to the end when no quote closes it (argv cut at 4 KiB by Falco); else up to a space, `&` or quote.
 * Its quotes escaped (`\"`) as Tetragon gives a double-quoted `sh -c` script's (`-c "export T=\"x\" && …"`): up
 * to the escaped quote that closes it, or the script's own closing quote; as an unquoted value it was `\` alone.
 * The name is group 1.
 */
const ASSIGNED_VALUE = String.raw`(?:(\\")(?:(?!\\")[^"])*(?:\\")?|(["'])(?:(?!\3)[\s\S])*\3?|[^\s&'"]+)`;
const redactAssigned = (_m: string, name: string, escapedQuote: string | undefined, quote: string | undefined) => {
  const q = escapedQuote ?? quote ?? '';
  return `${name}=${q}${REDACTED}${q}`;
};

/**
 * A name ending in one of `words` and word characters, read back from the `:` or `=` after it, to the start of its
 * run of name characters. Looked for from that `:` or `=`, not from each possible start of the name: a lazy scan from
 * every `\b` of `a.a.a.…` or every `token` of `tokentoken…` to the run's end was quadratic in argv, which is the
 * attacker's (a second for 32 KiB at alert time, and at recognition time through secretShaped).
 */
const CREDENTIAL_NAME_BEFORE = (words: string) => `(?<![A-Za-z0-9_.-])[A-Za-z0-9_.-]*(?:${words})[A-Za-z0-9_]*`;
const ASSIGNED_KEY_WORDS =
  'token|passw(?:or)?d|passwd|pwd|secret|api[_-]?key|access[_-]?key|account[_-]?key|private[_-]?key|credentials?|auth';
const FILE_KEY_WORDS =
  'token|passw(?:or)?d|passwd|secret|api[_-]?key|access[_-]?key|private[_-]?key|key-data|credentials?|auth';
/** A credential file's key: one naming a credential, or whose last word is PASS or PAT (`DB_PASS: X`, `GH_PAT = X`). */
const FILE_KEY_NAME = `(?:${CREDENTIAL_NAME_BEFORE(FILE_KEY_WORDS)}|(?<![A-Za-z0-9_.-])(?:[A-Za-z0-9]+[_-])*(?:pat|pass))`;
/**
 * A key at a line's start (a newline, printf's `\n`, or the opening quote of what printf or `echo -e` writes), after
 * any indentation and a YAML list's `-`. Not plain echo's: `echo "token: rotated"` is a script's message.
 */
const FILE_LINE_KEY = String.raw`(?:^|\n|\\n|\b(?:printf|echo\s+-[nE]*e[nE]*)\s+\\?["'])[ \t]*-?[ \t]*[A-Za-z0-9_.-]+`;

/** A JSON member's name that says its value is a credential (`password`, `client_secret`, `auth`, `pass`). */
const JSON_CREDENTIAL_NAME =
  '(?:[A-Za-z0-9_.-]*(?:token|secret|passw(?:or)?d|passwd|api[_-]?key|access[_-]?key|private[_-]?key|credentials?|auth)|(?:[A-Za-z0-9]+[_-])*pass)';

/** Headers that carry a credential: by name, and any whose name ends in token, secret, password, api-key, art-api, -key. */
const AUTH_HEADER =
  'authorization|proxy-authorization|private-token|job-token|deploy-token|x-api-key|x-auth-token|x-registry-auth|cookie';
const NAMED_HEADER = '[A-Za-z][A-Za-z0-9-]*?(?:token|secret|passw(?:or)?d|api-?key|art-api|-key)';
const CREDENTIAL_HEADER = `(?:${AUTH_HEADER}|${NAMED_HEADER})`;
/** A header's name starts a word, or right after curl's -H (`-HAuthorization:…`). */
const HEADER_START = String.raw`(?:\b|(?<=(?:^|[\s'"=])-H))`;
/** A space, also as a shell escapes it in an unquoted word (`Bearer\ X`). */
const SPACE = String.raw`(?:\s|\\\s)`;
/** An unquoted header value: up to a space (not an escaped one), a quote (also an escaped one), `,` or `;`. */
const HEADER_VALUE = String.raw`(?:\\\s|\\(?!["'])|[^\s'",;\\])+`;

/**
 * A login that reads its secret from stdin, no flag naming the value (`--password-stdin`, gh's `--with-token`), and
 * a forge setting that reads its value so (`gh secret set K`).
 */
const STDIN_LOGIN = String.raw`(?:--password-stdin|--with-token|\b(?:secret|variable)\s+set\b)`;

/** Provider tokens' prefixes, for what a cut left of one (the rules below take each whole), and its characters. */
const TOKEN_PREFIX = String.raw`gh[pousr]_|github_pat_|glpat-|gl(?:dt|rt|cbt|ptt|ft|imt|agent|oas|soat)-|GR1348941|npm_|hv[sbr]\.|dckr_pat_|ATATT|hf_|pypi-A|AKIA|ASIA|xox[a-z]-(?=\d)|sk_(?:live|test)_|eyJ`;
const TOKEN_CHAR = '[A-Za-z0-9_.=-]';
const CUT_TOKEN_PREFIX = new RegExp(`(?<![A-Za-z0-9])(?:${TOKEN_PREFIX})`);
/** The end of a text Falco cut: its end, or the note the evidence puts after a cut command line. */
const CUT_END = `(?=$|${ARGV_CUT_NOTE_PATTERN})`;

/**
 * What a rule that looks for a flag within a command (`mysqldump … -pX`, `secret set K … --body X`) scans after the
 * command's name `start`: the command's text, lazily, up to a shell separator in `stop` or the next `start`, where
 * that one's own scan takes over. argv is the attacker's: scanning from every `push`, `secret set` or `<<<` of a long
 * command line to its end was quadratic, and a fixed reach (4023265's 512 characters) missed a real script's value
 * placed later (`mysqldump … --ignore-table=app.t1 … -pX`); each character is now scanned from one start.
 */
const UNTIL_NEXT = (start: string, stop = String.raw`;&|\n`) => `(?:(?!${start})[^${stop}])*?`;
/** cargo's `publish -p` is its package (`cargo publish -p my-crate`), which the responder needs. */
const LOGIN_TOOL = String.raw`\b(?:login|push|(?<!\bcargo\s+)publish|upload|sshpass)\b`;
const MYSQL_CLIENT = String.raw`\b(?:mysql\w*|mariadb[\w-]*)\b`;
/**
 * A database or directory client and the one flag that is its password: each client's other short flags are not
 * (redis-cli's `-p` and ldapsearch's `-p` are a port, ldapsearch's `-P` a protocol version and `-a` a dereference
 * mode, bcp's `-a` a packet size), and taking the first of several let `redis-cli -p 6379 -a X` keep X.
 */
const DB_PASSWORD_FLAGS: ReadonlyArray<readonly [client: string, flag: string]> = [
  [String.raw`\bmongo\w*\b`, '-p'],
  [String.raw`\b(?:redis|valkey|keydb)-cli\b`, '-a'],
  [String.raw`\b(?:sqlcmd|bcp)\b`, '-P'],
  [String.raw`\bldap\w+\b`, '-w'],
];
const FLAG_OPEN_QUOTE = String.raw`(?:\\?["'])?`;
const FORGE_SETTING = String.raw`\b(?:secret|variable)\s+(?:set|update)\b`;
/** glab's flags before its value (`--masked X`): switches, a scope, type, description or group; not gh's `-r` repos. */
const GLAB_FLAGS = String.raw`(?:(?:--masked|--protected|--raw|--hidden|-[mp])\s+|(?:--scope|--type|--description|--group|-[stdg])[=\s]\s*(?:"[^"]*"|'[^']*'|[^\s-]\S*)\s+)*`;

const RULES: Rule[] = [
  // PEM private key blocks pasted into argv.
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED],
  // userinfo in URLs: `https://user:pass@host`, `https://TOKEN@host`, up to the authority's last `@` (a password
  // with an unencoded `@`). The ssh user `git` is not a secret.
  // Before the header rules: `https://private-token:X@host/p` is userinfo, not a header whose value eats the host.
  // A scheme starts a run of scheme characters, not any `\b` in it: from each of `a-a-a-…` the scan to the run's end
  // was quadratic in argv, which is the attacker's; the run is the scheme as written (`x-https://`).
  [
    /(?<![a-z0-9+.-])([a-z0-9+.-]+:\/\/)([^/?#\s'"]+)@/gi,
    (_m: string, scheme: string, userinfo: string) => `${scheme}${userinfo === 'git' ? 'git' : REDACTED}@`,
  ],
  // A credential header that a quote opens (`-H 'Authorization: Bearer a b'`, `'--header=Circle-Token: X'`, as
  // Tetragon quotes an argument holding spaces): its value is all up to the closing quote, spaces and all, or to
  // the line's end when no quote closes it (argv cut at 4 KiB by Falco); a double-quoted script's `\"` closes it too.
  [
    new RegExp(
      String.raw`(["'])((?:-H\s*|--header[=\s]\s*)?${CREDENTIAL_HEADER}\s*:\s*)(?:(?!\\?\1)[^\n])*((?:\\?\1)?)`,
      'gi',
    ),
    (_m: string, quote: string, header: string, close: string) => `${quote}${header}${REDACTED}${close}`,
  ],
  // Authorization-like headers (with or without a scheme word): `Authorization: token X`, `Private-Token: X`, also
  // attached to curl's -H (`-HAuthorization:…`) and with a shell-escaped space (`Bearer\ X`, as a script writes it).
  [
    new RegExp(
      String.raw`${HEADER_START}(${AUTH_HEADER})(\s*[:=]${SPACE}*)(?:(?:bearer|token|basic|bot|digest|negotiate)${SPACE}+)?${HEADER_VALUE}`,
      'gi',
    ),
    `$1$2${REDACTED}`,
  ],
  // Other credential headers by name: `X-JFrog-Art-Api`, `X-Vault-Token`, `X-Gitlab-Token`, `Circle-Token`,
  // `DD-API-KEY`, `Ocp-Apim-Subscription-Key`, … As a word of its own: an image `ghcr.io/acme/secret:v1` keeps its tag.
  [
    new RegExp(
      String.raw`(?<=^|[\s'"=]|(?:^|[\s'"=])-H)(${NAMED_HEADER})(\s*:${SPACE}*)(?:(?:bearer|token|basic)${SPACE}+)?${HEADER_VALUE}`,
      'gi',
    ),
    `$1$2${REDACTED}`,
  ],
  // A JSON body's credential member, quoted name and value: `curl -d '{"user":"bob","password":"x"}'`, a Docker
  // config's `"auth":"base64(user:pass)"`; to the end when no quote closes the value (argv cut at 4 KiB by Falco).
  [
    new RegExp(String.raw`("${JSON_CREDENTIAL_NAME}"\s*:\s*")(?:[^"\\]|\\.)*("?)`, 'gi'),
    (_m: string, member: string, close: string) => `${member}${REDACTED}${close}`,
  ],
  // The same body in a double-quoted shell string, its quotes escaped: a `sh -c` script's `curl -d "{\"password\":\"x\"}"`.
  [
    new RegExp(String.raw`(\\"${JSON_CREDENTIAL_NAME}\\"\s*:\s*\\")(?:(?!\\")[^"])*((?:\\")?)`, 'gi'),
    (_m: string, member: string, close: string) => `${member}${REDACTED}${close}`,
  ],
  // The scheme word kept as written: `--oauth2-bearer X` is curl's flag, not `--oauth2-Bearer`.
  [/(\bbearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, `$1${REDACTED}`],
  // Provider token formats, after any character but a letter or a digit: `\b` takes `_` for a word's, and
  // `x_ghp_…`, `MY_glpat-…` (a variable's name run into its value, a path's `_`) kept the token whole.
  [/(?<![A-Za-z0-9])(gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{20,})/g, REDACTED],
  // GitLab's: a random body holds a capital or a digit; a repository named `glrt-runner-deployments` is no token.
  [
    /(?<![A-Za-z0-9])(?:glpat|gl(?:dt|rt|cbt|ptt|ft|imt|agent|oas|soat))-[A-Za-z0-9_-]{16,}/g,
    (m: string) => (/[A-Z0-9]/.test(m.slice(m.indexOf('-'))) ? REDACTED : m),
  ],
  [/(?<![A-Za-z0-9])GR1348941[A-Za-z0-9_-]{20,}/g, REDACTED],
  [/(?<![A-Za-z0-9])npm_[A-Za-z0-9]{20,}/g, REDACTED],
  // Vault (`hvs.`/`hvb.`/`hvr.`), Docker Hub PATs, Bitbucket app passwords and Atlassian API tokens, Hugging
  // Face, JFrog API keys.
  [/(?<![A-Za-z0-9])hv[sbr]\.[A-Za-z0-9_-]{24,}/g, REDACTED],
  [/(?<![A-Za-z0-9])dckr_pat_[A-Za-z0-9_-]{20,}/g, REDACTED],
  [/(?<![A-Za-z0-9])(ATBB[A-Za-z0-9]{24,}|ATATT[A-Za-z0-9_=-]{24,})/g, REDACTED],
  [/(?<![A-Za-z0-9])hf_[A-Za-z0-9]{30,}/g, REDACTED],
  [/(?<![A-Za-z0-9])AKCp[A-Za-z0-9]{50,}/g, REDACTED],
  // PyPI's are macaroons, base64 starting `AgE` (pypi.org's `AgEIcHlwaS5vcmc`, TestPyPI's `AgENdGVzdC5weXBp`): not a
  // repository named `pypi-packages-mirror`.
  [/(?<![A-Za-z0-9])pypi-AgE[A-Za-z0-9_-]{16,}/g, REDACTED],
  [/(?<![A-Za-z0-9])(AKIA|ASIA|AIDA|AROA|ANPA)[0-9A-Z]{16}\b/g, REDACTED],
  // Slack: every xox?- kind (bot, user, app, refresh `xoxe-`, …); a digit follows the dash (`xoxb-1234-…`,
  // `xoxe.xoxp-1-…`), which a repository `xoxo-gossip-…` lacks.
  [/(?<![A-Za-z0-9])xox[a-z]-[0-9][A-Za-z0-9-]{9,}/g, REDACTED],
  [/(?<![A-Za-z0-9])sk_(live|test)_[A-Za-z0-9]{16,}/g, REDACTED],
  [/(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}\b/g, REDACTED],
  // JWTs (service-account tokens, OIDC tokens).
  [/(?<![A-Za-z0-9])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/g, REDACTED],
  // Base64 of a secret anywhere, known by what it decodes to, not by its shape (a path or a digest stays): of
  // `user:secret` (`echo dXNlcjp0b2s= | base64 -d > ~/.git-credentials`, a registry's auth), of text holding a
  // credential (a service account's key, a kubeconfig, an .env: one long run, which the 40-character rule takes
  // only at exactly 40), or a private key's DER (PEM's body without its lines).
  [
    /(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{12,}={0,2}(?![A-Za-z0-9+/=])/g,
    (m: string) => (encodedSecret(m, redact) ? REDACTED : m),
  ],
  // Credential flags by their last words: `--password X`, `--token=X`, `--dest-creds u:p`, `--docker-password X`,
  // `--dest-registry-token X`, `--s3-secret-access-key X`, `--account-key X` (not `--password-stdin`,
  // `--token-file`, `--private-key`: no credential follows; nor a shell operator or redirection after one that takes no value,
  // `gh auth login --with-token && …`); `-u`/`-a` only as `user:pass` (not
  // `-u https://gitlab.com`: a URL, its userinfo redacted above).
  [
    /(^|\s)(--(?:[A-Za-z0-9]+-)*(?:password|passwd|pass|token|secret|creds|api-?key|access-key|account-key|secret-key|otp|bearer))(\s+|=)(?![-&|;<])(\S+)/g,
    `$1$2$3${REDACTED}`,
  ],
  // npm's `--//registry/:_authToken X` (npm takes `--key value`), and `npm config set`/`aws configure set`
  // NAME VALUE for a credential NAME.
  [/(\b(?:_authToken|_auth|_password))(\s+)(?!-)(\S+)/g, `$1$2${REDACTED}`],
  [
    /(\bconfig(?:ure)?\s+set\s+(?:-\S+\s+)*[^\s=]*(?:token|secret|passw(?:or)?d|_auth|access_key|api_?key)[^\s=]*)(\s+)(?!-)(\S+)/gi,
    `$1$2${REDACTED}`,
  ],
  [/(^|\s)(-u|--user|--proxy-user|-a|--auth)(\s+|=)([^\s:]*:(?!\/\/)\S+)/g, `$1$2$3${REDACTED}`],
  // curl's attached form: `-ualice:s3cret`.
  [/(^|\s)(-u)([^\s:=-][^\s:]*:\S+)/g, `$1$2${REDACTED}`],
  // -p is a password after login (`docker login -p X`, `crane auth login -p X`), publish/upload (`twine
  // upload -u __token__ -p X`, `poetry publish -p X`), push (`oras push -p X`) and sshpass, also attached
  // (`-pX`); not past a shell separator (`git push … && mkdir -p dir`), nor elsewhere (`docker run -p 80:80`).
  [
    new RegExp(String.raw`(${LOGIN_TOOL}${UNTIL_NEXT(LOGIN_TOOL)}\s-p)(\s+|=|(?=[^\s=-]))(?!-)${QUOTED_OR_WORD}`, 'g'),
    `$1$2${REDACTED}`,
  ],
  // The clients a script dumps a database or a share with before its push (`mysqldump -uroot -pX app > d.sql && git
  // push …`), each its own way: MySQL/MariaDB's attached `-pX` (`-p X` prompts; X is the database), MongoDB's
  // `-p X`, Redis's `-a X`, SQL Server's `-P X`, LDAP's `-w X` (DB_PASSWORD_FLAGS), smbclient's `-U user%X`, lftp's
  // `-u user,X`.
  // Within the client's own command (not past `;`, `&`, `|`).
  [
    new RegExp(String.raw`(${MYSQL_CLIENT}${UNTIL_NEXT(MYSQL_CLIENT)}\s${FLAG_OPEN_QUOTE}-p)(?!-)${DB_PASSWORD}`, 'g'),
    `$1${REDACTED}`,
  ],
  ...DB_PASSWORD_FLAGS.map(
    ([client, flag]): Rule => [
      new RegExp(
        String.raw`(${client}${UNTIL_NEXT(client)}\s${FLAG_OPEN_QUOTE}${flag})(\s+|=)?(?!-)${DB_PASSWORD}`,
        'g',
      ),
      `$1$2${REDACTED}`,
    ],
  ),
  [
    new RegExp(
      String.raw`(\bsmbclient\b${UNTIL_NEXT(String.raw`\bsmbclient\b`)}\s(?:-U|--user(?:name)?)[=\s]*[^\s%'"]+%)([^\s'"]+)`,
      'g',
    ),
    `$1${REDACTED}`,
  ],
  [
    new RegExp(String.raw`(\blftp\b${UNTIL_NEXT(String.raw`\blftp\b`)}\s-u\s+[^\s,'"]+,)([^\s'"]+)`, 'g'),
    `$1${REDACTED}`,
  ],
  // A cookie given to curl (`--cookie sid=X`, `-b "sid=X; c=Y"`, `-bsid=X`, Tetragon's `-b\"…\"`): every value, the
  // names stay; a cookie jar (`-b jar.txt`, no `=`), an LDAP base DN (`-b dc=acme`) and git's new branch stay
  // (`git checkout -b x=y`, or a branch's path `feat/x=y`: no cookie's name holds a `/`).
  [
    /((?:^|(?<!\b(?:checkout|add))\s)(?:(?:--cookie|-b)[=\s]\s*|-b(?=[^\s=-])))(?!\\?["']?(?:dc|ou|cn|o|uid)=)(\\"(?:(?!\\")[^"])*(?:\\")?|"[^"]*"?|'[^']*'?|[^\s'"\\/]*=[^\s'"\\]*)/g,
    (_m: string, flag: string, value: string) => `${flag}${value.replace(/(=)[^;\s'"\\]+/g, `$1${REDACTED}`)}`,
  ],
  // A forge setting's value, which the push stores in the repository named (../rules/tools/forge-settings.ts):
  // `gh secret set K --body X`, `-b X`, `gh variable set K --body X`, `glab variable set K X`, `… -v X`/`--value X`
  // (not gh's `-v all|private|selected`, a visibility). Quoted, or Falco's words of it up to the next flag or a
  // shell separator; the setting's name and the repository stay.
  [
    new RegExp(
      String.raw`(${FORGE_SETTING}${UNTIL_NEXT(FORGE_SETTING, ';&|')}\s(?:--body|-b|--value|-v))(\s+|=|(?<=\s-[bv])(?=[^\s=-]))(?!(?:all|private|selected)\b)${SETTING_VALUE}`,
      'g',
    ),
    `$1$2${REDACTED}`,
  ],
  [
    new RegExp(String.raw`(\bvariable\s+(?:set|update)\s+[A-Za-z_][A-Za-z0-9_]*\s+${GLAB_FLAGS})${SETTING_VALUE}`, 'g'),
    `$1${REDACTED}`,
  ],
  // A password piped into a login that reads it from stdin, as a `sh -c` script writes it (`echo X | docker login
  // --password-stdin`, `printf '%s' X | helm registry login … --password-stdin`): the flag names no value. A
  // `$VAR`, bare or double-quoted (`"$CR_PAT"`, `"$(cat /run/secrets/p)"`: the shell expands it), is kept, naming
  // where the password came from. Tetragon's form of the script too (`-c "echo \\"X\\" | docker login …"`), and
  // printf's format unquoted (`printf %s X`).
  [
    new RegExp(
      String.raw`(\b(?:echo|printf)\s+(?:-[neE]+\s+|(?:'%s\\{0,2}n?'|\\?"%s\\{0,2}n?\\?"|%s(?:\\{1,2}n)?)\s+)?)${STDIN_VALUE}(?=\s*\|[^;&|\n]*?${STDIN_LOGIN})`,
      'g',
    ),
    `$1${REDACTED}`,
  ],
  // A here-string into the same login (`docker login --password-stdin <<< X`, `gh auth login --with-token <<< X`),
  // the flag before or after it, or into a command piped into it (`cat <<< X | docker login --password-stdin`); a
  // `$VAR` kept as above.
  [new RegExp(String.raw`(${STDIN_LOGIN}${UNTIL_NEXT(STDIN_LOGIN)}<<<\s*)${STDIN_VALUE}`, 'g'), `$1${REDACTED}`],
  [
    new RegExp(
      String.raw`(<<<\s*)${STDIN_VALUE}(?=${UNTIL_NEXT('<<<')}(?:\|${UNTIL_NEXT('<<<')})?${STDIN_LOGIN})`,
      'g',
    ),
    `$1${REDACTED}`,
  ],
  // A .netrc's password, as a heredoc or printf writes it: `machine H login U password P` over spaces, lines or
  // printf's `\n`; the `default` entry's (`default login U password P`).
  [
    /(\b(?:machine(?:\s|\\n)+[^\s\\]+(?:(?:\s|\\n)+(?:login|account|port)(?:\s|\\n)+[^\s\\]+){0,3}|default(?:(?:\s|\\n)+(?:login|account|port)(?:\s|\\n)+[^\s\\]+){1,3})(?:\s|\\n)+password(?:\s|\\n)+)[^\s'"\\]+/g,
    `$1${REDACTED}`,
  ],
  // A credential file's line as a heredoc or printf writes it, its value after `: ` or ` = ` (YAML, INI): a
  // kubeconfig's `token: X` and `client-key-data: X`, ~/.aws/credentials' `aws_secret_access_key = X`, at a line's
  // start (a newline, or printf's `\n`) after any indentation; `NAME=X` is the rule below's. Found from its `:` or `=`
  // looking back to the line's start (FILE_LINE_KEY), not from every line's start on: see CREDENTIAL_NAME_BEFORE.
  [
    new RegExp(
      String.raw`(:(?<=${FILE_LINE_KEY}[ \t]*:)(?<=${FILE_KEY_NAME}[ \t]*:)[ \t]+|=(?<=${FILE_LINE_KEY}[ \t]+=)(?<=${FILE_KEY_NAME}[ \t]+=)[ \t]*)(?!\[REDACTED\])${FILE_VALUE}`,
      'gi',
    ),
    `$1${REDACTED}`,
  ],
  // env-style assignments and query parameters: `GITHUB_TOKEN=x`, `?access_token=x`, `password=x`, also quoted as a
  // shell script writes them (`DB_PASSWORD="x"`, `GH_PAT='x'`); an Azure connection string's `AccountKey=x;…`. Found
  // from its `=` looking back (see CREDENTIAL_NAME_BEFORE).
  [
    new RegExp(`=(?<=(${CREDENTIAL_NAME_BEFORE(ASSIGNED_KEY_WORDS)})=)${ASSIGNED_VALUE}`, 'gi'),
    // The match starts at `=`: the name, group 1 (for ASSIGNED_VALUE's `\3`), stays where it is.
    (m: string, _name: string, escapedQuote: string | undefined, quote: string | undefined) =>
      redactAssigned(m, '', escapedQuote, quote),
  ],
  // A name whose last word is PAT or PASS: `AZURE_DEVOPS_EXT_PAT=x` (the az devops CLI's), `GH_PAT=x`, `CR_PAT=x`,
  // `DOCKER_PASS=x`, `?pass=x` (not `PATH=`, `BYPASS=`, `GITHUB_PAT_FILE=`).
  [new RegExp(String.raw`\b((?:[A-Za-z0-9]+_)*(?:pat|pass))=${ASSIGNED_VALUE}`, 'gi'), redactAssigned],
  // A webhook's URL is its credential (whoever has it posts to the channel): Slack's `hooks.slack.com/services/T…/B…/X`
  // and `…/workflows/…`, Discord's `/api/webhooks/ID/TOKEN`; the host and the kind of hook stay.
  [
    /\b((?:hooks\.slack\.com\/(?:services|workflows|triggers)|discord(?:app)?\.com\/api(?:\/v\d+)?\/webhooks)\/)[^\s?#'"]+/gi,
    `$1${REDACTED}`,
  ],
  // A Telegram bot's token in its API URL's path (`api.telegram.org/bot123:AAF…/sendDocument`, `/file/bot…`), as
  // curl uploads to a chat with it; the method after it stays.
  [/\b(api\.telegram\.org\/(?:file\/)?bot)\d+:[A-Za-z0-9_-]+/gi, `$1${REDACTED}`],
  // Signed URLs: the signature is the credential (Azure SAS `sig=`, S3/GCS `X-Amz-Signature=`/`X-Goog-Signature=`,
  // Azure Functions `code=`); as query parameters only, the rest of the URL stays readable.
  [/([?&](?:sig|signature|x-amz-signature|x-goog-signature|code)=)([^\s&#'"]+)/gi, `$1${REDACTED}`],
  // AWS secret access keys and similar 40-char base64 secrets: mixed case and digits (git SHAs are lowercase hex).
  // Not a run inside a word (after a `.`, `:`, `-`, `_`, `@`, `~` or `%`), nor one starting with `/`: that is a
  // URL's path after its host (`https://gitlab.com/MyGroup/…`, `https://git-srv/MyGroup/…`), an scp-like
  // remote's (`git@host:Org/…`), an org's (`acme-corp/…`) or an absolute path, which the responder needs and a
  // secret never is.
  [
    /(?<![A-Za-z0-9/+=.:_~@%-])[A-Za-z0-9+][A-Za-z0-9/+]{39}(?![A-Za-z0-9/+=])/g,
    (m: string) => (mixedCase(m) ? REDACTED : m),
  ],
  // The secret next to its access key id, which is redacted above: `AKIA…:SECRET` (s3fs's passwd line, a
  // `--credentials ID:SECRET` flag), `mc alias set s3 URL AKIA… SECRET`, `AKIA…=SECRET`, `AKIA…/SECRET` (the
  // 40-character rule skips a run after `=` or `/`, base64's padding and a path's), whatever its first character; and
  // after an upper-case variable's name and a colon (`AWS_SECRET_ACCESS_KEY:SECRET`), which no host is.
  [
    /(\[REDACTED\][:\s=/]|\b[A-Z0-9_]*(?:SECRET|KEY)[A-Z0-9_]*:)([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/g,
    (m: string, before: string, run: string) => (mixedCase(run) ? `${before}${REDACTED}` : m),
  ],
  // What Falco's 4 KiB cut left of a credential where the text ends (or its note of the cut begins, the evidence's
  // ` […cut by the sensor…]`): the rules above know one by its whole shape (a token's length, userinfo's `@`, a
  // JWT's three parts), and its first half reached the alert. A provider token's prefix and 4 or more characters,
  // some upper-case or digits (`…/npm_cache` stays); a URL whose authority the cut left without its `@`: a
  // `user:pa…` (not `host:443`), or a token alone (no dot, upper-case and digits: no host name is written so).
  // Its prefix looked for in the run of token characters the cut ends: from each of `ghp_ghp_…` it was quadratic.
  [
    new RegExp(`(?<!${TOKEN_CHAR})${TOKEN_CHAR}+${CUT_END}`, 'g'),
    (run: string) => {
      const prefix = CUT_TOKEN_PREFIX.exec(run);
      if (!prefix) return run;
      const body = run.slice(prefix.index + prefix[0].length);
      return body.length >= 4 && /[A-Z0-9]/.test(body) ? `${run.slice(0, prefix.index)}${REDACTED}` : run;
    },
  ],
  [
    new RegExp(String.raw`(?<![a-z0-9+.-])([a-z0-9+.-]+:\/\/)([^/?#\s'"@[]+)${CUT_END}`, 'gi'),
    (m: string, scheme: string, authority: string) =>
      /:(?!\d*$)/.test(authority) || (!authority.includes('.') && /[A-Z]/.test(authority) && /[0-9]/.test(authority))
        ? `${scheme}${REDACTED}`
        : m,
  ],
];

function mixedCase(run: string): boolean {
  return /[A-Z]/.test(run) && /[a-z]/.test(run) && /[0-9]/.test(run);
}

/** Replaces every credential-looking part of `text` with `[REDACTED]`. Idempotent. */
export function redact(text: string): string;
export function redact(text: string | null): string | null;
export function redact(text: string | null): string | null {
  if (text === null || text === '') return text;
  let out = text;
  for (const [re, replacement] of RULES) {
    re.lastIndex = 0;
    out = out.replace(re, replacement as never);
  }
  return out;
}
