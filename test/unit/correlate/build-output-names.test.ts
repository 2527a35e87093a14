/**
 * An image output's `name=` may list several refs (`--output 'type=image,"name=a/x:1,b/y:2",push=true'`,
 * buildx's CSV quoting): BuildKit's image exporter pushes to each (src/rules/build-outputs.ts). The list was read
 * as one field cut at its first comma, so an allowlist entry for the first ref exempted a push that also went
 * to another repository or registry.
 */
import { describe, expect, it } from 'vitest';
import { keyedValues } from '../../../src/rules/build-outputs.js';
import { recognizeProcess } from '../../../src/rules/recognize.js';
import { ciPushAlerts } from './ci-push.js';

const own = 'ghcr.io/acme/app';

/** A CI job's build-and-push with `binary args` (./ci-push.ts), under one entry for `destination`. */
const build = (binary: string, args: string, destination: string) =>
  ciPushAlerts(binary, args, [{ namespace: 'ci', destination, reason: 'ci' }]);

const buildx = (output: string) => `buildx build --output ${output} /srv/ctx`;
const buildctl = (output: string) =>
  `build --frontend dockerfile.v0 --local context=/srv/ctx --local dockerfile=/srv/ctx --output ${output}`;

describe('a build output naming several images', () => {
  it('reads every ref of a quoted name list, quotes kept or dropped, and one ref alone as before', () => {
    for (const list of [
      'type=image,"name=ghcr.io/acme/app:1,quay.io/evil/y:2",push=true',
      'type=image,name=ghcr.io/acme/app:1,quay.io/evil/y:2,push=true',
      '"name=ghcr.io/acme/app:1,quay.io/evil/y:2",type=image,push=true',
    ]) {
      expect(keyedValues(list, 'name')).toEqual(['ghcr.io/acme/app:1', 'quay.io/evil/y:2']);
      expect(keyedValues(list, 'type')).toEqual(['image']);
    }
    expect(keyedValues('type=image,name=ghcr.io/acme/app:1,push=true', 'name')).toEqual(['ghcr.io/acme/app:1']);
    // buildx lowercases and trims keys; the last of a key wins there, but every one is read: with the quotes
    // gone, one may have been inside another field's quoted value (see the decoy case below).
    expect(keyedValues('type=image, NAME=ghcr.io/x:1,name=ghcr.io/y:1', 'name')).toEqual([
      'ghcr.io/x:1',
      'ghcr.io/y:1',
    ]);
    expect(keyedValues('type=image,name=,push=true', 'name')).toEqual([]);
    // A cache ref is one reference, never a list.
    expect(keyedValues('type=registry,ref=ghcr.io/acme/c:1,mode=max', 'ref')).toEqual(['ghcr.io/acme/c:1']);
  });

  it('recognises the other refs as remotes pushed to too (buildx and buildctl)', () => {
    const t = () => true;
    const views = [
      ['/usr/bin/docker', buildx(`type=image,"name=${own}:1,quay.io/evil/y:2",push=true`)],
      ['/usr/bin/docker', buildx(`type=registry,"name=${own}:1,quay.io/evil/y:2"`)],
      ['/usr/bin/buildctl', buildctl(`type=image,"name=${own}:1,quay.io/evil/y:2",push=true`)],
    ] as const;
    for (const [binary, args] of views) {
      const r = recognizeProcess({ binary, args, parentBinary: null, parentArgs: null }, t);
      expect(r).toMatchObject({
        kind: 'push',
        remote: `${own}:1`,
        otherRemotes: [{ remote: 'quay.io/evil/y:2', host: 'quay.io' }],
      });
    }
    // A quoted push=… field still says the output pushes.
    const quotedPush = recognizeProcess(
      {
        binary: '/usr/bin/docker',
        args: buildx(`type=image,name=${own}:1,"push=true"`),
        parentBinary: null,
        parentArgs: null,
      },
      t,
    );
    expect(quotedPush).toMatchObject({ kind: 'push', remote: `${own}:1` });
  });

  for (const [tool, binary, args] of [
    ['buildx', '/usr/bin/docker', buildx],
    ['buildctl', '/usr/bin/buildctl', buildctl],
  ] as const) {
    it(`${tool}: an entry for the first ref does not exempt a push also going to another`, () => {
      const one = `type=image,"name=${own}:1,${own}:latest",push=true`;
      const twoRepos = `type=image,"name=${own}:1,ghcr.io/evil/drop:1",push=true`;
      const twoHosts = `type=image,"name=${own}:1,quay.io/evil/drop:1",push=true`;
      // Two tags of one repository: exempt by a path entry and a host entry.
      expect(build(binary, args(one), 'ghcr.io/acme/*')).toEqual([]);
      expect(build(binary, args(one), 'ghcr.io')).toEqual([]);
      // Another repository on the same registry: the path entry does not exempt; the host entry does.
      expect(build(binary, args(twoRepos), 'ghcr.io/acme/*')).toHaveLength(1);
      expect(build(binary, args(twoRepos), 'ghcr.io')).toEqual([]);
      // Another registry: neither does.
      expect(build(binary, args(twoHosts), 'ghcr.io/acme/*')).toHaveLength(1);
      expect(build(binary, args(twoHosts), 'ghcr.io')).toHaveLength(1);
    });
  }

  it("a name= inside another field's quoted value is no decoy: the push must be allowlisted for every name read", () => {
    // buildx pushes to quay.io only (the annotation's value holds the comma and the second name=); read without
    // the quotes, the last name= was ghcr.io's, and an entry for it exempted the push (16f5376: last one wins).
    const decoy = `type=image,name=quay.io/evil/drop:1,push=true,"annotation.org.opencontainers.image.title=x,name=${own}:1"`;
    expect(build('/usr/bin/docker', buildx(decoy), 'ghcr.io/acme/*')).toHaveLength(1);
    expect(build('/usr/bin/docker', buildx(decoy), 'ghcr.io')).toHaveLength(1);
    const cache = `type=registry,ref=quay.io/evil/cache:1,"note=x,ref=${own}:cache"`;
    expect(build('/usr/bin/docker', `buildx build --cache-to ${cache} /srv/ctx`, 'ghcr.io')).toHaveLength(1);
  });

  it('kaniko: --destination on two registries is not exempt by a host entry for the first', () => {
    const kaniko = (second: string) => `--context dir:///srv/ctx --destination ${own}:1 --destination ${second}`;
    expect(build('/kaniko/executor', kaniko(`${own}:latest`), 'ghcr.io')).toEqual([]);
    expect(build('/kaniko/executor', kaniko('ghcr.io/evil/drop:1'), 'ghcr.io')).toEqual([]);
    expect(build('/kaniko/executor', kaniko('quay.io/evil/drop:1'), 'ghcr.io')).toHaveLength(1);
  });
});
