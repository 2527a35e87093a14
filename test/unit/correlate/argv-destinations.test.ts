/**
 * Destination IPs classed from argv hosts in the same lineage (issue 4), for any process, not only table
 * push tools: a dropped uploader given a registry URL on its command line, connecting to that registry's IP,
 * is a push by egress even with no DNS answers (offline scan). Kept narrow: the process's own or its
 * parent's argv, outbound connects only, and never taught to other processes.
 */
import { describe, expect, it } from 'vitest';
import { correlatorConfigSchema } from '../../../src/correlate/config.js';
import { DestinationClassifier } from '../../../src/correlate/destinations.js';
import { brief, MiB, run, Scenario } from './builder.js';

const REGISTRY_IP = '54.227.20.253';
const URL = 'https://registry-1.docker.io/v2/shop-sync/blobs/uploads/';

describe('argv hosts in the lineage class destination IPs', () => {
  for (const source of ['tetragon', 'falco'] as const) {
    it(`${source}: an unknown binary with a registry URL in its argv sends 90 MiB after 90 MiB of reads → high`, () => {
      const s = new Scenario({ source });
      const c = s.container();
      const sh = s.exec(c, '/bin/sh', `-c "/tmp/.cache/syncd --endpoint ${URL} --src /srv/orders"`, {
        parent: s.init(c),
      });
      const syncd = s.exec(c, '/tmp/.cache/syncd', `--endpoint ${URL} --src /srv/orders`, { parent: sh });
      s.readMany(syncd, '/srv/orders', 90, MiB, 100);
      s.connect(syncd, REGISTRY_IP, 443, { cookie: '5' });
      for (let i = 0; i < 90; i++) s.wait(50).send(syncd, null, null, MiB, { cookie: '5' });
      const { alerts } = run(s.events);
      expect(brief(alerts)).toEqual([
        { rule: 'bulk-read-then-push', severity: 'high', tool: 'syncd', destination: 'registry-1.docker.io' },
      ]);
      expect(alerts[0]!.reads.bytes).toBe(90 * MiB);
      expect(alerts[0]!.summary).toContain('by unexpected binary /tmp/.cache/syncd');
    });
  }

  it("a child whose parent's argv named the registry (sh -c with the URL) is classed too", () => {
    const s = new Scenario();
    const c = s.container();
    const sh = s.exec(c, '/bin/sh', `-c "cat /srv/dump | /opt/up ${URL}"`, { parent: s.init(c) });
    const up = s.exec(c, '/opt/up', '-', { parent: sh });
    s.connect(up, REGISTRY_IP, 443).send(up, REGISTRY_IP, 443, 2 * MiB);
    expect(brief(run(s.events).alerts)).toEqual([
      { rule: 'renamed-binary-push', severity: 'medium', tool: 'up', destination: 'registry-1.docker.io' },
    ]);
  });

  it('the allowlist matches such a push by its address, not by the host its own argv named', () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'shop' });
    const up = s.exec(c, '/opt/up', `--endpoint ${URL}`, { parent: s.init(c) });
    s.connect(up, REGISTRY_IP, 443).send(up, REGISTRY_IP, 443, 2 * MiB);
    // Named by the process itself: an entry for that host would exempt whatever it sends wherever.
    const byHost = run(s.events, {
      allowlist: [{ namespace: 'shop', destination: 'registry-1.docker.io', reason: 'image sync' }],
    });
    expect(brief(byHost.alerts)).toEqual([
      { rule: 'renamed-binary-push', severity: 'medium', tool: 'up', destination: 'registry-1.docker.io' },
    ]);
    const byCidr = run(s.events, {
      allowlist: [{ namespace: 'shop', destination: '54.227.20.0/24', reason: 'image sync' }],
    });
    expect(byCidr.alerts).toEqual([]);
  });

  it('scp-like and host/ref forms are argv hosts; other hosts, IPs and plain words are not', () => {
    const cls = new DestinationClassifier(correlatorConfigSchema.parse({}).destinations, 16);
    expect(cls.hostNamedIn('--remote git@gitlab.com:acme/x.git')).toBe('gitlab.com');
    expect(cls.hostNamedIn('--image ghcr.io/acme/app:1.2 --to x')).toBe('ghcr.io');
    expect(cls.hostNamedIn('--to "https://user:pw@api.github.com/repos/a/b"')).toBe('api.github.com');
    expect(cls.hostNamedIn('--s3 https://s3.amazonaws.com/b https://140.82.112.3/x train.py')).toBeNull();
    expect(cls.hostNamedIn('--epochs 40 train.py')).toBeNull();
    expect(cls.hostNamedIn(null)).toBeNull();
  });

  it('a URL after a long run of scheme characters still names its host (a scheme is read as at most 32 of them)', () => {
    const cls = new DestinationClassifier(correlatorConfigSchema.parse({}).destinations, 16);
    expect(cls.hostNamedIn(`--x ${'a-'.repeat(300)}https://api.github.com/gists`)).toBe('api.github.com');
    expect(cls.hostNamedIn(`${'a'.repeat(3000)}git+ssh://git@gitlab.com/a/b.git`)).toBe('gitlab.com');
    expect(cls.hostNamedIn(`${'a.'.repeat(1500)}/x`)).toBeNull();
  });

  it('answers kept per command line are the answers asked afresh: past the bound, and for long command lines', () => {
    const config = correlatorConfigSchema.parse({}).destinations;
    const kept = new DestinationClassifier(config, 16);
    const lines = Array.from({ length: 1200 }, (_, i) =>
      i % 3 === 0
        ? `push --to https://ghcr.io/acme/app${i}`
        : i % 3 === 1
          ? `run /app/job${i}.py`
          : `git@gitlab.com:a/${i}.git`,
    );
    lines.push(`${'--flag '.repeat(60)}https://gitlab.com/a/b.git`);
    for (let round = 0; round < 2; round++)
      for (const line of lines) {
        // A fresh classifier per line: what the line is without any answer kept before it.
        expect(kept.hostNamedIn(line), line).toBe(new DestinationClassifier(config, 16).hostNamedIn(line));
      }
  });

  it('a non-forge URL in argv (object storage): an upload there is nothing', () => {
    const s = new Scenario();
    const c = s.container();
    const up = s.exec(c, '/opt/backup', '--to https://backups.s3.eu-west-1.amazonaws.com/db/', { parent: s.init(c) });
    s.readMany(up, '/var/lib/db', 80, MiB, 10);
    s.connect(up, '52.218.1.9', 443).send(up, '52.218.1.9', 443, 80 * MiB);
    expect(run(s.events).alerts).toEqual([]);
  });

  it('a server with a forge URL in argv sending to its clients (no outbound connect): nothing', () => {
    const s = new Scenario();
    const c = s.container();
    const srv = s.exec(c, '/app/server', '--oauth https://github.com/login/oauth', { parent: s.init(c) });
    s.readMany(srv, '/srv/assets', 80, MiB, 10);
    for (let i = 0; i < 20; i++) s.wait(10).send(srv, '203.0.113.7', 51_234, MiB);
    expect(run(s.events).alerts).toEqual([]);
  });

  it('the pairing stays with that lineage: a grandchild or another container sending to the IP is not a push', () => {
    const s = new Scenario();
    const a = s.container();
    const b = s.container();
    const sh = s.exec(a, '/bin/sh', `-c "/opt/agent ${URL}"`, { parent: s.init(a) });
    const agent = s.exec(a, '/opt/agent', '--run', { parent: sh });
    s.connect(agent, REGISTRY_IP, 443);
    const worker = s.exec(a, '/opt/worker', '--job 7', { parent: agent });
    s.connect(worker, REGISTRY_IP, 443).send(worker, REGISTRY_IP, 443, 5 * MiB);
    const other = s.exec(b, '/opt/other', '--run', { parent: s.init(b) });
    s.connect(other, REGISTRY_IP, 443).send(other, REGISTRY_IP, 443, 5 * MiB);
    expect(run(s.events).alerts).toEqual([]);
  });
});
