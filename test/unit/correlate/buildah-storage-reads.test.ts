/**
 * buildah and podman read the layers they upload from their container storage, the pulled base image's included,
 * and `buildah bud` with the vfs driver copies the base's layers for each step: Tekton's buildah task building a
 * 2 MiB context on a 135 MiB base image was `bulk-read-then-push`, high, for the base image alone (found by a
 * red-team review of CI pipelines): ../../../src/correlate/container-storage.ts. Their storage reads now count for
 * no builder's push unless something was staged into the storage by other means; secrets, the context, other
 * processes' storage reads and other tools' pushes count as before.
 */
import { describe, expect, it } from 'vitest';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { brief, type Ctr, MiB, type Proc, run, Scenario } from './builder.js';
import { stageWindowBefore } from './staging-step.js';

const QUAY = '3.216.152.103';
const GITHUB = '140.82.112.3';
const CONTEXT = '/workspace/source';
const STORAGE = '/var/lib/containers/storage';
const BASE = `${STORAGE}/vfs/dir/${'3f'.repeat(32)}`;
const LAYER = `${STORAGE}/vfs/dir/${'9a'.repeat(32)}`;
const IMAGE = 'quay.io/acme/api:1.4.2';

const rules = (s: Scenario) => brief(run(s.events).alerts).map((a) => `${a.rule} ${a.severity}`);

/** A Tekton TaskRun's buildah step (the catalog's buildah task): its script under Tekton's entrypoint. */
function tektonStep(source: SensorSource = 'tetragon') {
  const s = new Scenario({ source });
  const c = s.container({
    namespace: 'ci',
    pod: 'api-build-run-x7k2p-build-pod',
    name: 'step-build-and-push',
    image: 'quay.io/buildah/stable:v1.38',
  });
  const entry = s.init(c, '/tekton/bin/entrypoint', '-entrypoint /tekton/scripts/script-0-k9x2z --');
  const sh = s.exec(c, '/bin/bash', '/tekton/scripts/script-0-k9x2z', { parent: entry, cwd: CONTEXT });
  return { s, c, sh };
}

/** Reads `count` 2 MiB files under `dir` by `p`. */
function readMiB(s: Scenario, p: Proc, dir: string, count: number): void {
  for (let i = 0; i < count; i++) s.read(p, `${dir}/part-${i}.bin`, 2 * MiB);
}

/**
 * `buildah --storage-driver=vfs bud`: the Dockerfile and a 2 MiB context, the base's layers copied (135 MiB of
 * storage) and the new layer read to commit it; `during` runs while it builds (a RUN step).
 */
function bud(s: Scenario, c: Ctr, parent: Proc, during?: (b: Proc) => void, args = `-f ./Dockerfile -t ${IMAGE} .`) {
  const b = s.exec(c, '/usr/bin/buildah', `--storage-driver=vfs bud --format=oci --tls-verify=true ${args}`, {
    parent,
    cwd: CONTEXT,
  });
  s.read(b, `${CONTEXT}/Dockerfile`, 600);
  s.readMany(b, `${CONTEXT}/app`, 20, 100_000);
  s.connect(b, QUAY, 443, { cookie: '1' }).send(b, QUAY, 443, 3_000, { cookie: '1' });
  readMiB(s, b, `${BASE}/usr/lib/jvm`, 68);
  during?.(b);
  s.readMany(b, `${LAYER}/app`, 20, 100_000);
  s.wait(500).exit(b);
  return b;
}

/** `buildah push`: reads the base's and the new layer from the storage, uploads 60 MiB. */
function push(s: Scenario, c: Ctr, parent: Proc, binary = '/usr/bin/buildah', base = BASE): Proc {
  const args = `--storage-driver=vfs push --tls-verify=true --digestfile /tmp/image-digest ${IMAGE} docker://${IMAGE}`;
  const p = s.exec(c, binary, args, { parent, cwd: CONTEXT });
  readMiB(s, p, `${base}/usr/lib/jvm`, 68);
  s.readMany(p, `${LAYER}/app`, 20, 100_000);
  s.connect(p, QUAY, 443, { cookie: '2' }).send(p, QUAY, 443, 60 * MiB, { cookie: '2' });
  s.wait(1_000).exit(p);
  return p;
}

describe("buildah's and podman's reads of their storage", () => {
  it.each<SensorSource>(['tetragon', 'falco'])(
    "Tekton's buildah task, a small context on a large base, is a push with no notable reads (%s)",
    (source) => {
      const { s, c, sh } = tektonStep(source);
      bud(s, c, sh);
      push(s, c, sh);
      expect(rules(s)).toEqual(['push-without-reads low']);
    },
  );

  it.each<SensorSource>(['tetragon', 'falco'])(
    'a rootless podman build and push in a GitLab job too (%s)',
    (source) => {
      const s = new Scenario({ source });
      const c = s.container({ namespace: 'gitlab-runner', name: 'build', image: 'quay.io/podman/stable:v5.3' });
      const sh = s.init(c, '/bin/sh', '-c step_script');
      const store = `/home/podman/.local/share/containers/storage/overlay/${'c4'.repeat(32)}/diff`;
      const build = s.exec(c, '/usr/bin/podman', `build -t ${IMAGE} .`, { parent: sh, cwd: '/builds/acme/api' });
      s.readMany(build, '/builds/acme/api/src', 20, 100_000);
      readMiB(s, build, store, 10);
      s.exit(build);
      const p = s.exec(c, '/usr/bin/podman', `push ${IMAGE}`, { parent: sh });
      readMiB(s, p, store, 68);
      s.connect(p, QUAY, 443).send(p, QUAY, 443, 60 * MiB);
      s.wait(1_000).exit(p);
      expect(rules(s)).toEqual(['push-without-reads low']);
    },
  );
});

describe('what still counts around buildah', () => {
  it("a secret the build reads counts (--secret src=~/.aws/credentials), and a RUN step's secret mount", () => {
    const { s, c, sh } = tektonStep();
    bud(s, c, sh, (b) => s.read(b, '/root/.aws/credentials', 300));
    push(s, c, sh);
    expect(rules(s)).toEqual(['sensitive-read-then-push high']);

    const other = tektonStep();
    bud(other.s, other.c, other.sh, (b) => {
      const step = other.s.exec(other.c, '/bin/sh', '-c "cat /run/secrets/npmrc > /dev/null"', { parent: b });
      other.s.read(step, '/var/run/secrets/kubernetes.io/serviceaccount/token', 900).exit(step);
    });
    push(other.s, other.c, other.sh);
    expect(rules(other.s)).toEqual(['sensitive-read-then-push high']);
  });

  it('a 300 MiB context is bulk', () => {
    const { s, c, sh } = tektonStep();
    bud(s, c, sh, (b) => readMiB(s, b, `${CONTEXT}/assets`, 150));
    push(s, c, sh);
    expect(rules(s)).toEqual(['bulk-read-then-push critical']);
  });

  it('another process reading the storage counts', () => {
    const { s, c, sh } = tektonStep();
    const cat = s.exec(c, '/usr/bin/cat', `${BASE}/dump.bin`, { parent: sh });
    readMiB(s, cat, `${BASE}/dump`, 150);
    s.exit(cat);
    push(s, c, sh);
    expect(rules(s)).toEqual(['bulk-read-then-push critical']);
  });

  it("buildah's storage reads count for another tool's push", () => {
    const { s, c, sh } = tektonStep();
    bud(s, c, sh);
    const git = s.exec(c, '/usr/bin/git', 'push https://github.com/acme/api.git refs/tags/v1.4.2', { parent: sh });
    const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', 'https://github.com/acme/api.git', { parent: git });
    s.connect(helper, GITHUB, 443).send(helper, GITHUB, 443, 5_000);
    s.wait(300).exit(helper).exit(git);
    expect(rules(s)).toEqual(['bulk-read-then-push high']);
  });

  it('a buildah run from a hidden directory, or with its own --root, is no builder of the default storage', () => {
    const { s, c, sh } = tektonStep();
    bud(s, c, sh);
    push(s, c, sh, '/tmp/.cache/buildah');
    expect(rules(s)).toEqual(['bulk-read-then-push critical']);

    const other = tektonStep();
    push(other.s, other.c, other.sh, '/usr/bin/buildah', '/srv/exports/vfs/dir/x');
    expect(rules(other.s)).toEqual(['bulk-read-then-push high']);
  });
});

describe('data staged into the storage by other means, a window before buildah push', () => {
  const DEST = `${BASE}/usr/lib/jvm`;
  it.each([
    ['/usr/bin/mv', `/srv/exports/db ${DEST}/part-0.bin`],
    ['/usr/bin/cp', `-r /srv/exports ${BASE}/usr/lib`],
    ['/usr/bin/ln', `-s /srv/exports/db ${DEST}/part-0.bin`],
    ['/usr/bin/rsync', `-a /srv/exports/ ${DEST}/`],
    ['/bin/sh', `-c "python3 /tmp/pack.py > ${DEST}/part-0.bin"`],
    ['/usr/bin/tar', '--extract --file=/tmp/loot.tar', `${BASE}/usr/lib`],
    ['/usr/bin/tar', `xf /tmp/loot.tar -C ${DEST}`],
    ['/usr/bin/dd', `of=${DEST}/part-0.bin bs=1M`],
    ['/usr/bin/mount', `--bind /srv/exports ${DEST}`],
    // A tree with a storage's layout made elsewhere, replacing the root whole.
    ['/usr/bin/mv', '/srv/prep /var/lib/containers'],
    ['/usr/bin/tar', 'xf /tmp/prep.tar -C /var/lib'],
    ['/usr/bin/buildah', 'mount working-container'],
    ['/tmp/.x/buildah', 'mount working-container'],
    ['/usr/bin/podman', 'unshare sh -c "cp -r /srv/exports $(podman mount x)"'],
  ])('%s %s: the build and push reading it are bulk, with either sensor', (binary, args, cwd = CONTEXT) => {
    for (const source of ['tetragon', 'falco'] as const) {
      const { s, c, sh } = tektonStep(source);
      stageWindowBefore(s, c, binary, args, { parent: sh, cwd });
      bud(s, c, sh);
      push(s, c, sh);
      expect(rules(s), source).toEqual(['bulk-read-then-push critical']);
    }
  });

  it('staged after the build and before the push, the build’s storage reads count again', () => {
    const { s, c, sh } = tektonStep();
    bud(s, c, sh);
    const mnt = s.exec(c, '/usr/bin/buildah', 'mount working-container', { parent: sh });
    s.exit(mnt);
    const p = s.exec(c, '/usr/bin/buildah', `push ${IMAGE} docker://${IMAGE}`, { parent: sh });
    s.connect(p, QUAY, 443).send(p, QUAY, 443, 60 * MiB);
    s.wait(1_000).exit(p);
    expect(rules(s)).toEqual(['bulk-read-then-push high']);
  });

  it("a build's RUN step extracting at its root stages nothing", () => {
    const { s, c, sh } = tektonStep();
    bud(s, c, sh, (b) => {
      const step = s.exec(c, '/bin/tar', '-C / -Jxpf /tmp/s6-overlay-noarch.tar.xz', { parent: b, cwd: '/' });
      s.read(step, '/tmp/s6-overlay-noarch.tar.xz', 60_000).exit(step);
    });
    push(s, c, sh);
    expect(rules(s)).toEqual(['push-without-reads low']);
  });

  it("rootless podman's own fuse-overlayfs stages nothing; one a script starts over the storage does", () => {
    const lower = `lowerdir=${STORAGE}/overlay/l/ABC:${STORAGE}/overlay/l/DEF,upperdir=${LAYER}/diff`;
    const mount = (parent: 'podman' | 'sh') => {
      const { s, c, sh } = tektonStep();
      const p = parent === 'sh' ? sh : s.exec(c, '/usr/bin/podman', 'run --rm alpine true', { parent: sh });
      const fuse = s.exec(c, '/usr/bin/fuse-overlayfs', `-o ${lower} ${LAYER}/merged`, { parent: p });
      s.exit(fuse);
      bud(s, c, sh);
      push(s, c, sh);
      return rules(s);
    };
    expect(mount('podman')).toEqual(['push-without-reads low']);
    expect(mount('sh')).toEqual(['bulk-read-then-push critical']);
  });

  it('a copy next to the storage stages nothing', () => {
    const { s, c, sh } = tektonStep();
    const cp = s.exec(c, '/usr/bin/cp', '-r /workspace/source /var/lib/containers/build-cache', { parent: sh });
    s.exit(cp);
    bud(s, c, sh);
    push(s, c, sh);
    expect(rules(s)).toEqual(['push-without-reads low']);
  });
});
