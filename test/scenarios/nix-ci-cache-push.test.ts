/**
 * Review of f5bfd49 (Nix store copies are push-table entries), which accepted as a false positive that a Nix CI job
 * pushing its build to its cache is `bulk-read-then-push`. A GitLab job in the nixos/nix image, as cachix's docs
 * and cachix-action's store-scan mode run it: `cachix use`, `nix build` (nix evaluates nixpkgs and copies the
 * checkout into the store, its builder reads the unpacked sources in its build directory and the whole toolchain
 * from the store), then `cachix push -j8 CACHE` of the new paths (their NARs read back from the store, 60 MiB
 * uploaded); or, cachix-action's default, `cachix daemon run` before the build and nix's post-build hook handing
 * the output to it (`cachix daemon push`). Checked as exported Tetragon and Falco JSON lines through the real scan
 * path; kept out of the scenario library (the bench's workload).
 */
import { describe, expect, it } from 'vitest';
import type { SensorForm } from '../../src/scenarios/index.js';
import { briefOf, inlineScenario, runInlineScenario } from './harness.js';

type InlineSteps = Parameters<typeof inlineScenario>[2];

const BIN = '/nix/var/nix/profiles/default/bin';
const CHECKOUT = '/builds/acme/app';
const BUILD_DIR = '/tmp/nix-build-app-1.4.0.drv-0/source';
const TOOLCHAIN = '/nix/store/8x0h2m4kq1w7c5v9d3f6j8l0n2p4r6t8-gcc-13.2.0';
const OUTPUT = '/nix/store/5d1v7s3k9q2m8x4c6b0n1h3j5l7p9r2t-app-1.4.0';
const SOCKET = '--socket /tmp/cachix-daemon-q1/daemon.sock';
const TOKEN_FILE = '/root/.config/cachix/cachix.dhall';

/** The build: nix's own reads (the checkout, nixpkgs' expressions), then its builder's (toolchain, sources). */
function build(hook: InlineSteps): InlineSteps {
  return [
    {
      after: '100ms',
      exec: { id: 'build', parent: 'app', binary: `${BIN}/nix`, args: 'build .#default -L', cwd: CHECKOUT },
    },
    { after: '10ms', read: { proc: 'build', path: `${CHECKOUT}/src/m{i:03}.c`, files: 40, bytes: '2MiB' } },
    {
      after: '10ms',
      read: {
        proc: 'build',
        path: '/nix/store/0a1s2d3f4g5h6j7k8l9q0w1e2r3t4y5u-source/pkgs/f{i:04}.nix',
        files: 200,
        bytes: '40MiB',
        over: '4s',
      },
    },
    {
      after: '100ms',
      exec: {
        id: 'builder',
        parent: 'build',
        binary: '/nix/store/1q2w3e4r5t6y7u8i9o0p1a2s3d4f5g6h-bash-5.2p26/bin/bash',
        args: '-e /nix/store/9z8x7c6v5b4n3m2l1k0j9h8g7f6d5s4a-default-builder.sh',
        cwd: BUILD_DIR,
      },
    },
    {
      after: '10ms',
      read: { proc: 'builder', path: `${TOOLCHAIN}/libexec/cc1-{i}`, files: 4, bytes: '180MiB', over: '6s' },
    },
    {
      after: '10ms',
      read: { proc: 'builder', path: `${BUILD_DIR}/src/m{i:03}.c`, files: 40, bytes: '2MiB', over: '6s' },
    },
    { after: '10ms', exit: { proc: 'builder' } },
    ...hook,
    { after: '10ms', exit: { proc: 'build' } },
  ];
}

/** What cachix reads and uploads of the output, by `proc`. */
function upload(proc: string): InlineSteps {
  return [
    { after: '5ms', read: { proc, path: `${OUTPUT}/bin/app`, bytes: '60MiB', over: '3s' } },
    { after: '5ms', upload: { proc, to: 'acme.cachix.org:443', bytes: '30MiB', over: '3s' } },
  ];
}

/** `pushArgs`: cachix's store-scan push after the build; null: its daemon mode. */
async function nixJob(form: SensorForm, pushArgs: string | null) {
  const cachix = `${BIN}/cachix`;
  const steps: InlineSteps = [
    { at: '1s', exec: { id: 'use', parent: 'app', binary: cachix, args: 'use acme', cwd: CHECKOUT } },
    { after: '5ms', read: { proc: 'use', path: '/etc/nix/nix.conf', bytes: 900 } },
    { after: '20ms', exit: { proc: 'use' } },
  ];
  if (pushArgs === null) {
    steps.push(
      { after: '10ms', exec: { id: 'daemon', parent: 'app', binary: cachix, args: `daemon run ${SOCKET} acme` } },
      { after: '5ms', read: { proc: 'daemon', path: TOKEN_FILE, bytes: 300 } },
      ...build([
        {
          after: '5ms',
          exec: { id: 'hook', parent: 'build', binary: cachix, args: `daemon push ${SOCKET} ${OUTPUT}` },
        },
        { after: '5ms', exit: { proc: 'hook' } },
        ...upload('daemon'),
      ]),
    );
  } else {
    steps.push(
      ...build([]),
      { after: '300ms', exec: { id: 'push', parent: 'app', binary: cachix, args: pushArgs, cwd: CHECKOUT } },
      { after: '5ms', read: { proc: 'push', path: TOKEN_FILE, bytes: 300 } },
      ...upload('push'),
      { after: '10ms', exit: { proc: 'push' } },
    );
  }
  const s = inlineScenario('nix-ci-cachix-push', { 'acme.cachix.org': '104.26.3.7' }, steps, {
    image: 'nixos/nix:2.24.9',
    init: { binary: '/bin/sh', args: '-c "sleep infinity"', uid: 0 },
  });
  return (await runInlineScenario(s, form)).alerts.map(briefOf);
}

const notice = (destination: string | null) => ({
  rule: 'push-without-reads',
  severity: 'low',
  tool: 'nix',
  destination,
});

describe('a Nix CI job pushing its build to its cache', () => {
  for (const form of ['tetragon', 'falco'] as const) {
    it(`is the low notice of a push after no notable reads, as a registry push of a build (${form})`, async () => {
      for (const args of ['push -j8 acme', 'push acme ./result'])
        expect(await nixJob(form, args), args).toEqual([notice('104.26.3.7:443')]);
    });

    it(`in cachix-action's daemon mode is two low notices: the daemon's start and the hook's request (${form})`, async () => {
      // The request names no cache and connects nowhere itself: no destination.
      expect(await nixJob(form, null)).toEqual([notice('104.26.3.7:443'), notice(null)]);
    });
  }
});
