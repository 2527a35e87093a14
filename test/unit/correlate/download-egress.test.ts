/**
 * A download that uploads is no download (src/correlate/download-egress.ts). Its exemptions rest on its name,
 * place and command line, which a renamed curl installed where the real tool lives (`~/.cargo/bin/cargo`, a
 * `~/bin/npm`) has too; its egress tells them apart: a download sends requests, past `downloadEgressMaxBytes`
 * to one destination it is an upload, judged as any process, with the credential reads it made as a download.
 */
import { describe, expect, it } from 'vitest';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { brief, MiB, runResolved } from './builder.js';
import { GITHUB_IP, runnerPod, tagPush } from './runner-job.js';

const GHCR_IP = '140.82.121.33';
const HOME = '/home/runner';

describe('a download that uploads', () => {
  it.each<SensorSource>(['tetragon', 'falco'])(
    'a renamed curl as ~/.cargo/bin/cargo build reading an ssh key and sending 20 MiB to github.com is a push (%s)',
    async (source) => {
      const { s, c, worker } = runnerPod('lib', source);
      const fake = s.exec(
        c,
        `${HOME}/.cargo/bin/cargo`,
        // Its upload is in a config file (`curl -K`), which no command line shows.
        'build --release -K /home/runner/.config/ci.cfg',
        {
          parent: worker,
        },
      );
      s.read(fake, `${HOME}/.ssh/id_ed25519`, 411).read(fake, `${HOME}/.netrc`, 90);
      s.connect(fake, GITHUB_IP, 443, { cookie: 'u' });
      for (let i = 0; i < 20; i++) s.send(fake, GITHUB_IP, 443, MiB, { cookie: 'u' });
      s.wait(300).exit(fake);
      const { alerts } = await runResolved(s.events);
      expect(brief(alerts)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'cargo', destination: 'github.com' },
      ]);
      expect([...alerts[0]!.reads.sensitive].sort()).toEqual([`${HOME}/.netrc`, `${HOME}/.ssh/id_ed25519`]);
    },
  );

  it('/home/x/bin/npm ci sending 40 MiB to ghcr.io is a push, and what it reads afterwards counts', async () => {
    const { s, c, worker } = runnerPod('app');
    const fake = s.exec(c, '/home/x/bin/npm', 'ci', { parent: worker });
    s.connect(fake, GHCR_IP, 443, { cookie: 'g' });
    for (let i = 0; i < 40; i++) s.send(fake, GHCR_IP, 443, MiB, { cookie: 'g' });
    // No download any more: its reads of the cache count.
    for (let i = 0; i < 80; i++) s.read(fake, `${HOME}/.npm/_cacache/content-v2/sha512/${i}`, MiB);
    s.wait(300).exit(fake);
    const { alerts } = await runResolved(s.events);
    expect(alerts.map((a) => a.rule)).toEqual(['bulk-read-then-push']);
    expect(alerts[0]!.process.binary).toBe('/home/x/bin/npm');
  });

  it('a child the download starts after it lost the exemption is no download: its upload is a push', async () => {
    const { s, c, worker } = runnerPod('app');
    const fake = s.exec(c, '/home/x/bin/npm', 'install', { parent: worker });
    s.connect(fake, GHCR_IP, 443, { cookie: 'g' });
    for (let i = 0; i < 17; i++) s.send(fake, GHCR_IP, 443, MiB, { cookie: 'g' });
    s.wait(60_000);
    const again = s.exec(c, '/home/x/bin/npm', 'install', { parent: fake });
    s.read(again, `${HOME}/.ssh/id_rsa`, 2_600);
    s.connect(again, GITHUB_IP, 443, { cookie: 'h' }).send(again, GITHUB_IP, 443, 2 * MiB, { cookie: 'h' });
    s.wait(300).exit(again).exit(fake);
    const { alerts } = await runResolved(s.events);
    expect(alerts.map((a) => [a.rule, a.process.binary, a.push.destination])).toEqual([
      ['push-without-reads', '/home/x/bin/npm', 'ghcr.io'],
      ['sensitive-read-then-push', '/home/x/bin/npm', 'github.com'],
    ]);
  });

  // The benign twin: a large install's requests (~450 bytes a tarball) stay well under the bound.
  it.each<SensorSource>(['tetragon', 'falco'])(
    "npm ci's 6 MiB of requests to a classed registry and its .npmrc leave the later tag push low (%s)",
    async (source) => {
      const { s, c, worker } = runnerPod('lib', source);
      const ci = s.exec(c, '/usr/local/bin/node', '/usr/local/lib/node_modules/npm/bin/npm-cli.js ci', {
        parent: worker,
      });
      s.read(ci, `${HOME}/.npmrc`, 120).read(ci, `${HOME}/.ssh/id_ed25519`, 411);
      s.connect(ci, GHCR_IP, 443, { cookie: 'n' });
      for (let i = 0; i < 6 * 2_330; i++) s.send(ci, GHCR_IP, 443, 450, { cookie: 'n' });
      s.wait(2_000).exit(ci);
      const cargo = s.exec(c, `${HOME}/.cargo/bin/cargo`, 'build --release', { parent: worker });
      s.connect(cargo, GITHUB_IP, 443, { cookie: 'c' }).send(cargo, GITHUB_IP, 443, 3 * MiB, { cookie: 'c' });
      s.wait(1_000).exit(cargo);
      tagPush(s, c, worker, 'lib', 'v1.4.0');
      expect(brief((await runResolved(s.events)).alerts)).toEqual([
        { rule: 'push-without-reads', severity: 'low', tool: 'git', destination: 'github.com' },
      ]);
    },
  );
});
