/**
 * Redaction must not eat what a responder needs: the remote's host and repository path, and the paths of
 * the files read. The 40-character backstop for AWS-style secrets ([A-Za-z0-9/+]{40}, mixed case and
 * digits) also matches a URL's path after the host's last dot, an scp-like remote's path after its colon,
 * or an absolute path, when that run is exactly 40 characters: `https://gitlab.com/MyGroup/SubGroup1/…`
 * became `https://gitlab.[REDACTED].git`.
 */
import { describe, expect, it } from 'vitest';
import { redact } from '../../../src/correlate/redact.js';
import { MiB, run, Scenario } from './builder.js';

// Each location below holds a run of exactly 40 characters of [A-Za-z0-9/+] with upper and lower case and digits.
const HTTPS_REMOTE = 'https://gitlab.com/MyGroup/SubGroup1/ProjectName/Repo22.git';
const SCP_REMOTE = 'git@gitlab.com:MyGroup/SubGroup1/ProjectName/Repo222222.git';
const READ_PATH = '/Users/Bob2/Work/ProjectAlpha/Data123456.parquet';

describe('redaction keeps locations', () => {
  it('the runs are the backstop-shaped ones', () => {
    expect('com/MyGroup/SubGroup1/ProjectName/Repo22').toHaveLength(40);
    expect('MyGroup/SubGroup1/ProjectName/Repo222222').toHaveLength(40);
    expect('/Users/Bob2/Work/ProjectAlpha/Data123456').toHaveLength(40);
  });

  it.each([HTTPS_REMOTE, `push ${SCP_REMOTE} main`, READ_PATH])('keeps %s', (text) => {
    expect(redact(text)).toBe(text);
  });

  it('still redacts a bare 40-character secret, and one after = or a space', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ';
    expect(redact(`s3 cp x s3://b/ ${secret}`)).toBe('s3 cp x s3://b/ [REDACTED]');
    expect(redact(`AWS_SECRET_ACCESS_KEY=${secret} aws s3 cp`)).toBe('AWS_SECRET_ACCESS_KEY=[REDACTED] aws s3 cp');
  });

  // A run after a '-' or '_' inside a host or an org's name is as much a location as one after a dot.
  it.each([
    'push https://git-srv/MyGroup/SubGroup1/ProjectName/Repo22.git main',
    'push https://gitlab.com/acme-corp/Platform/Services/PaymentGateway22x.git main',
    'ghcr.io/acme_corp/Platform/Services/PaymentGateway22x:v1',
    '/home/runner/work/my-app/Backend/Services/Payment2/Exports245.tar',
  ])('keeps %s (a run after - or _)', (text) => {
    expect(text).toMatch(/[-_][A-Za-z0-9/]{40}[.:/]/);
    expect(redact(text)).toBe(text);
  });

  // e7a5a4c stopped taking a run after ':'; the pair's secret sits after one, or after a space starting with '/'.
  it.each([
    [
      `--s3-credentials AKIAIOSFODNN7EXAMPLE:${'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ'}`,
      '--s3-credentials [REDACTED]:[REDACTED]',
    ],
    [
      `echo AKIAIOSFODNN7EXAMPLE:${'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ'} > /etc/passwd-s3fs`,
      'echo [REDACTED]:[REDACTED] > /etc/passwd-s3fs',
    ],
    [
      'mc alias set s3 https://s3.amazonaws.com AKIAIOSFODNN7EXAMPLE /K7MDENGbPxRfiCYEXAMPLEKEZwJalrXUtnFEMI1',
      'mc alias set s3 https://s3.amazonaws.com [REDACTED] [REDACTED]',
    ],
    ['AWS_SECRET_ACCESS_KEY:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ', 'AWS_SECRET_ACCESS_KEY:[REDACTED]'],
    // After '=' or '/', where the 40-character rule does not look (base64 padding, a path).
    ['AKIAIOSFODNN7EXAMPLE=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ', '[REDACTED]=[REDACTED]'],
    ['AKIAIOSFODNN7EXAMPLE/wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ', '[REDACTED]/[REDACTED]'],
  ])("redacts an access key pair's secret: %s", (input, output) => {
    expect(redact(input)).toBe(output);
    expect(redact(output)).toBe(output);
  });

  it("an alert's remote, summary and top read keep the host, the repository path and the file's path", () => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    const tar = s.exec(c, '/bin/tar', 'cf /tmp/d.tar /Users/Bob2/Work/ProjectAlpha', { parent: sh });
    s.read(tar, READ_PATH, 80 * MiB);
    s.wait(1000);
    const git = s.exec(c, '/usr/bin/git', `push ${HTTPS_REMOTE} main`, { parent: sh });
    s.connect(git, '172.65.251.78', 443).send(git, '172.65.251.78', 443, 2 * MiB);
    const [a] = run(s.events).alerts;
    expect(a?.push.remote).toBe(HTTPS_REMOTE);
    expect(a?.process.args).toBe(`push ${HTTPS_REMOTE} main`);
    expect(a?.summary).toContain(`(${HTTPS_REMOTE})`);
    expect(a?.reads.top.map((t) => t.path)).toEqual([READ_PATH]);
  });

  // A provider prefix starting a repository's name is no token: the formats' own marks tell them apart (PyPI's
  // macaroon `pypi-AgE…`, Slack's digit after `xox?-`, GitLab's random body with capitals or digits).
  it.each([
    [
      'push https://gitlab.com/acme/pypi-packages-mirror-internal.git main',
      'pypi-AgEIcHlwaS5vcmcCJDk4ZTU0ZTQ0LWFmYjItNDY',
    ],
    ['push https://github.com/acme/xoxo-gossip-girl-fansite.git main', 'xoxb-1234567890-abcdefghij'],
    ['push https://github.com/acme/glrt-runner-deployments-tooling.git main', 'glrt-2CR8_eVxiioB1QmzPZwa'],
    ['push https://github.com/acme/glpat-rotation-helper-scripts.git main', 'glpat-Zx9yW8vU7tS6rQ5pO4nM'],
  ])('keeps %s (and still takes %s)', (text, token) => {
    expect(redact(text)).toBe(text);
    expect(redact(`x ${token} y`)).toBe('x [REDACTED] y');
  });

  it('an alert for a push to a repository so named keeps its remote', () => {
    const remote = 'https://gitlab.com/acme/pypi-packages-mirror-internal.git';
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    const tar = s.exec(c, '/bin/tar', 'cf /tmp/d.tar /srv', { parent: sh });
    s.read(tar, '/srv/data.bin', 80 * MiB);
    s.wait(1000);
    const git = s.exec(c, '/usr/bin/git', `push ${remote} main`, { parent: sh });
    s.connect(git, '172.65.251.78', 443).send(git, '172.65.251.78', 443, 2 * MiB);
    const [a] = run(s.events).alerts;
    expect(a?.push.remote).toBe(remote);
    expect(a?.summary).toContain(`(${remote})`);
  });
});
