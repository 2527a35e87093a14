/**
 * Synthetic credentials in the real formats (right prefixes, lengths and alphabets; none is a live key),
 * and the places they turn up in a command line: URLs, headers, flags, env-style assignments.
 */
const A36 = 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';

export const TOKENS = {
  githubClassic: `ghp_${A36}`,
  githubOauth: `gho_${A36}`,
  githubServer: `ghs_${A36}`,
  githubUser: `ghu_${A36}`,
  githubRefresh: `ghr_${A36}`,
  githubFineGrained: `github_pat_11ABCDEFG0123456789abc_${'Zx9'.repeat(19)}Q0`,
  gitlab: 'glpat-xY7_zK2-mN9pQ4rS8tV1',
  npm: `npm_${A36}`,
  awsKeyId: 'AKIAIOSFODNN7EXAMPLF',
  awsSecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ',
  slackBot: 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
  slackUser: 'xoxp-123456789012-123456789012-123456789012-0123456789abcdef0123456789abcdef',
  slackApp: 'xoxa-2-123456789012-123456789012-0123456789abcdef',
  slackSession: 'xoxs-123456789012-123456789012-abcdef0123',
  slackRefresh: 'xoxe-1-My1xLTEyMzQ1Njc4OTAxMi0xMjM0NTY3ODkw',
  urlPassword: 'S3cr3tPassw0rd!',
  bearer: 'opaqueT0kenValue_9f8e7d6c5b4a',
  basicAuth: Buffer.from('deploy:hunter2pass').toString('base64'),
  curlPassword: 'curlPa55word',
  envToken: 'envT0kenValue12345',
  envPassword: 'Pa55w0rdValue',
} as const;

export type TokenName = keyof typeof TOKENS;

/** Command-line fragments (as sensors report argv) carrying the tokens. */
export function tokenContexts(t: typeof TOKENS = TOKENS): string[] {
  return [
    `push -q https://x-access-token:${t.githubClassic}@github.com/o/r.git HEAD:main`,
    `push https://${t.githubOauth}@github.com/o/r.git`,
    `clone https://oauth2:${t.githubServer}@gitlab.com/x.git`,
    `-H "Authorization: token ${t.githubUser}" https://api.github.com/repos/o/r/releases`,
    `GH_TOKEN=${t.githubRefresh} gh release upload v1 dump.tgz`,
    `push https://user:${t.githubFineGrained}@github.com/o/r`,
    `-H PRIVATE-TOKEN:${t.gitlab} https://gitlab.com/api/v4/projects/1/uploads`,
    `--header=PRIVATE-TOKEN: ${t.gitlab}`,
    `config set //registry.npmjs.org/:_authToken=${t.npm}`,
    `NPM_TOKEN=${t.npm} npm publish`,
    `AWS_ACCESS_KEY_ID=${t.awsKeyId} AWS_SECRET_ACCESS_KEY=${t.awsSecret} aws s3 cp dump.tgz s3://b/`,
    `--aws-access-key ${t.awsKeyId} --aws-secret ${t.awsSecret}`,
    `-d token=${t.slackBot} https://slack.com/api/files.upload`,
    `-H "Authorization: Bearer ${t.slackUser}"`,
    `token ${t.slackApp}`,
    `cookie d=${t.slackSession}`,
    `refresh ${t.slackRefresh}`,
    `push https://deploy:${t.urlPassword}@registry.example.com/v2/`,
    `-H "Authorization: Bearer ${t.bearer}"`,
    `-H "Authorization: Basic ${t.basicAuth}"`,
    `-u admin:${t.curlPassword} -T dump.tgz https://upload.example.com`,
    `--user=admin:${t.curlPassword}`,
    `TOKEN=${t.envToken} ./upload.sh`,
    `PASSWORD=${t.envPassword} ./x`,
    `CI_JOB_TOKEN=${t.envToken}`,
    `--password ${t.envPassword}`,
    `--password=${t.envPassword}`,
  ];
}

/** Names of the tokens (or their distinctive tails) found in `text`. */
export function leakedTokens(text: string, t: Record<string, string> = TOKENS): string[] {
  return Object.entries(t)
    .filter(([, v]) => text.includes(v) || (v.length > 14 && text.includes(v.slice(-14))))
    .map(([k]) => k);
}
