/**
 * A red-team review of the exemption of buildah's and podman's storage reads (./buildah-storage-reads.test.ts,
 * ../../../src/correlate/container-storage.ts): an attacker in a CI pod pushing stolen data with buildah or podman.
 * Data read into the storage a window before the push (../../../src/correlate/storage-ingest.ts) and staging the
 * guard did not read (../../../src/correlate/storage-writers.ts, a process's root link), either followed by hours
 * of sleep that expired the container's state (staging-hold.ts holdsStagedData) or done by another container of the pod
 * (../../../src/correlate/pod-storage.ts), left the push
 * `bulk-push-without-reads` (`push-without-reads`, low, under 64 MiB sent); the benign builds stay quiet.
 */
import { describe, expect, it } from 'vitest';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { brief, type Ctr, MiB, type Proc, run, Scenario } from './builder.js';
import { stageWindowBefore, WINDOW_AND_MORE_MS } from './staging-step.js';

const QUAY = '3.216.152.103';
const STORAGE = '/var/lib/containers/storage';
const DEST = `${STORAGE}/vfs/dir/${'3f'.repeat(32)}/usr/lib/jvm`;
const USER_STORE = `/home/podman/.local/share/containers/storage/overlay/${'c4'.repeat(32)}/diff`;
const IMAGE = 'quay.io/acme/api:1.4.2';
const SOURCES: readonly SensorSource[] = ['tetragon', 'falco'];

const rules = (s: Scenario) => brief(run(s.events).alerts).map((a) => `${a.rule} ${a.severity}`);

function step(source: SensorSource) {
  const s = new Scenario({ source });
  const c = s.container({ namespace: 'ci', pod: 'api-build-pod', name: 'step', image: 'quay.io/buildah/stable:v1.38' });
  const entry = s.init(c, '/tekton/bin/entrypoint', '-entrypoint /tekton/scripts/script-0 --');
  const sh = s.exec(c, '/bin/bash', '/tekton/scripts/script-0', { parent: entry, cwd: '/workspace/source' });
  return { s, c, sh };
}

/** Reads the 150 MiB dump (75 files) by `p`. */
function readDump(s: Scenario, p: Proc, dir = '/srv/exports'): void {
  for (let i = 0; i < 75; i++) s.read(p, `${dir}/db-${i}.bin`, 2 * MiB);
}

/** A builder's push reading `files` 2 MiB layers of the storage at `dir`, sending 60 MiB. */
function push(
  s: Scenario,
  c: Ctr,
  sh: Proc,
  o: { args?: string; dir?: string; files?: number; to?: string } = {},
): void {
  const p = s.exec(c, '/usr/bin/buildah', o.args ?? `push ${IMAGE} docker://${IMAGE}`, { parent: sh });
  const files = o.files ?? 75;
  for (let i = 0; i < files; i++) s.read(p, `${o.dir ?? DEST}/part-${i}.bin`, 2 * MiB);
  s.connect(p, o.to ?? QUAY, 443).send(p, o.to ?? QUAY, 443, 60 * MiB);
  s.wait(1_000).exit(p);
}

describe('data read into the storage a window before a builder pushes it', () => {
  it.each([
    ['/usr/bin/buildah', `bud -t ${IMAGE} /srv/exports`],
    ['/usr/bin/podman', `build -t ${IMAGE} -f /tmp/Dockerfile /srv/exports`],
    ['/usr/bin/buildah', 'copy working-container /srv/exports /data'],
    ['/usr/bin/buildah', 'add working-container /srv/exports /data'],
    ['/usr/bin/podman', 'cp /srv/exports c:/data'],
    ['/usr/bin/podman', 'container cp /srv/exports c:/data'],
    ['/usr/bin/podman', 'load -i /srv/exports/loot.tar'],
    ['/usr/bin/podman', `image import /srv/exports/loot.tar ${IMAGE}`],
    ['/usr/bin/skopeo', `copy oci-archive:/srv/exports/loot.tar containers-storage:${IMAGE}`],
  ])('%s %s, then buildah push: bulk, with either sensor', (binary, args) => {
    for (const source of SOURCES) {
      const { s, c, sh } = step(source);
      const ingest = s.exec(c, binary, args, { parent: sh });
      readDump(s, ingest);
      s.exit(ingest).wait(WINDOW_AND_MORE_MS);
      push(s, c, sh);
      expect(rules(s), source).toEqual(['bulk-read-then-push high']);
    }
  });

  it.each([
    [
      '/usr/bin/podman',
      'run --name loot -v /srv/exports:/in:ro docker.io/library/alpine cp -r /in /out',
      'commit loot',
    ],
    [
      '/usr/bin/buildah',
      'run --volume /srv/exports:/in working-container -- cp -r /in /out',
      'commit working-container',
    ],
    ['/usr/bin/buildah', `bud --volume /srv/exports:/in -t ${IMAGE} .`, 'images'],
  ])('%s %s (its child reading), then %s and push: bulk, with either sensor', (binary, args, then) => {
    for (const source of SOURCES) {
      const { s, c, sh } = step(source);
      const runner = s.exec(c, binary, args, { parent: sh });
      const cp = s.exec(c, '/bin/cp', '-r /in /out', { parent: runner });
      readDump(s, cp, '/in');
      s.exit(cp).exit(runner).wait(WINDOW_AND_MORE_MS);
      const commit = s.exec(c, binary, then, { parent: sh });
      s.read(commit, `${DEST}/part-0.bin`, 2 * MiB).exit(commit);
      push(s, c, sh);
      expect(rules(s), source).toEqual(['bulk-read-then-push high']);
    }
  });

  it('a decoy push first carries what was read in: the alert is on it', () => {
    const { s, c, sh } = step('tetragon');
    const copy = s.exec(c, '/usr/bin/buildah', 'copy working-container /srv/exports /data', { parent: sh });
    readDump(s, copy);
    s.exit(copy).wait(WINDOW_AND_MORE_MS);
    push(s, c, sh, { files: 5 });
    s.wait(WINDOW_AND_MORE_MS);
    push(s, c, sh);
    expect(rules(s)).toEqual(['bulk-read-then-push high', 'push-without-reads low']);
  });

  it('a decoy push to an allowlisted registry carries nothing away: the real push still counts the data', () => {
    const { s, c, sh } = step('tetragon');
    const copy = s.exec(c, '/usr/bin/buildah', 'copy working-container /srv/exports /data', { parent: sh });
    readDump(s, copy);
    s.exit(copy).wait(WINDOW_AND_MORE_MS);
    push(s, c, sh, { files: 5, to: '10.20.0.5', args: 'push registry.internal/acme/api:dev' });
    s.wait(WINDOW_AND_MORE_MS);
    push(s, c, sh);
    const allowlist = [{ namespace: 'ci', destination: '10.20.0.0/16', reason: 'internal registry' }];
    const alerts = brief(run(s.events, { allowlist }).alerts).map((a) => `${a.rule} ${a.severity}`);
    expect(alerts).toEqual(['bulk-read-then-push high']);
  });

  it("podman run without a volume reads its image, not the machine's data: the later push stays low", () => {
    const { s, c, sh } = step('tetragon');
    // `-version` is the JVM's flag, no volume of podman's.
    const tests = s.exec(c, '/usr/bin/podman', 'run --rm docker.io/library/maven:3.9 java -version', { parent: sh });
    const java = s.exec(c, '/opt/java/openjdk/bin/java', '-version', { parent: tests });
    readDump(s, java, '/opt/fixtures');
    s.exit(java).exit(tests).wait(WINDOW_AND_MORE_MS);
    push(s, c, sh, { files: 10 });
    expect(rules(s)).toEqual(['push-without-reads low']);
  });
});

describe('staging into the storage the guard did not read', () => {
  it.each([
    ['/usr/bin/cpio', `-pdm ${DEST}`, '/srv/exports'],
    ['/usr/bin/cpio', '-idm -F /tmp/loot.cpio', DEST],
    ['/bin/sh', `-c "cd /srv/exports && find . | cpio -pdm ${DEST}"`, '/workspace/source'],
    ['/usr/bin/python3', `-c "import shutil; shutil.copytree('/srv/exports', '${DEST}/x')"`, '/workspace/source'],
    ['/usr/bin/perl', `-e 'system("cp", "-r", "/srv/exports", "${DEST}")'`, '/workspace/source'],
    ['/bin/sh', `-c "cd ${DEST} && tar xf /tmp/loot.tar"`, '/workspace/source'],
    ['/usr/bin/cp', `-r /srv/exports /proc/self/root${DEST}/x`, '/workspace/source'],
    ['/usr/bin/rsync', `-a /srv/exports/ /proc/1/root${DEST}/`, '/workspace/source'],
  ])('%s %s: the push reading the storage a window later is bulk, with either sensor', (binary, args, cwd) => {
    for (const source of SOURCES) {
      const { s, c, sh } = step(source);
      stageWindowBefore(s, c, binary, args, { parent: sh, cwd, reads: (stager) => readDump(s, stager) });
      push(s, c, sh);
      expect(rules(s), source).toEqual(['bulk-read-then-push high']);
    }
  });

  it.each([
    ['/usr/bin/ln', `-s ${DEST} /tmp/s`],
    ['/bin/busybox', `ln -s ${DEST} /tmp/s`],
    ['/bin/sh', `-c "ln -sf ${USER_STORE} /tmp/s"`],
  ])('%s %s, then cp -r /srv/exports /tmp/s/: a way into the storage under another name', (binary, args) => {
    for (const source of SOURCES) {
      const { s, c, sh } = step(source);
      s.exit(s.exec(c, binary, args, { parent: sh }));
      const cp = s.exec(c, '/usr/bin/cp', '-r /srv/exports /tmp/s/', { parent: sh });
      readDump(s, cp);
      s.exit(cp).wait(WINDOW_AND_MORE_MS);
      push(s, c, sh, { dir: args.includes('home') ? USER_STORE : DEST });
      expect(rules(s), source).toEqual(['bulk-read-then-push high']);
    }
  });
});

describe('benign builds and pushes stay quiet', () => {
  it.each(SOURCES)(
    'podman build --layers with a cached storage, pushed, and rebuilt and pushed later (%s)',
    (source) => {
      const s = new Scenario({ source });
      const c = s.container({ namespace: 'gitlab-runner', name: 'build', image: 'quay.io/podman/stable:v5.3' });
      const sh = s.init(c, '/bin/sh', '-c step_script');
      for (let round = 0; round < 2; round++) {
        const build = s.exec(c, '/usr/bin/podman', `build --layers -t ${IMAGE} .`, {
          parent: sh,
          cwd: '/builds/acme/api',
        });
        s.readMany(build, '/builds/acme/api/src', 20, 100_000);
        for (let i = 0; i < 10; i++) s.read(build, `${USER_STORE}/layer-${i}.bin`, 2 * MiB);
        s.exit(build);
        push(s, c, sh, { args: `push ${IMAGE}`, dir: USER_STORE, files: 68 });
        s.wait(WINDOW_AND_MORE_MS);
      }
      // One alert for both pushes (the same destination's), low: the first build's context counts for the second.
      expect(rules(s)).toEqual(['push-without-reads low']);
    },
  );

  it('a long-lived build agent, 40 builds of a 2 MiB context and their pushes an hour apart: what each push counted is not counted again', () => {
    const s = new Scenario();
    const c = s.container({ namespace: 'jenkins', name: 'agent', image: 'quay.io/podman/stable:v5.3' });
    const sh = s.init(c, '/bin/sh', '-c agent.sh');
    for (let round = 0; round < 40; round++) {
      const build = s.exec(c, '/usr/bin/podman', `build -t ${IMAGE} .`, { parent: sh, cwd: '/home/jenkins/ws' });
      s.readMany(build, '/home/jenkins/ws/src', 20, 100_000);
      s.exit(build);
      push(s, c, sh, { args: `push ${IMAGE}`, dir: USER_STORE, files: 30 });
      s.wait(3_600_000);
    }
    const all = rules(s);
    expect(all).toHaveLength(40);
    expect(new Set(all)).toEqual(new Set(['push-without-reads low']));
  });

  it.each(SOURCES)('a multi-arch manifest built for two platforms and pushed with --all (%s)', (source) => {
    const { s, c, sh } = step(source);
    for (const arch of ['amd64', 'arm64']) {
      const b = s.exec(c, '/usr/bin/buildah', `bud --platform linux/${arch} --manifest api -t ${IMAGE}-${arch} .`, {
        parent: sh,
        cwd: '/workspace/source',
      });
      s.readMany(b, '/workspace/source/app', 20, 100_000);
      for (let i = 0; i < 68; i++) s.read(b, `${DEST}-${arch}/part-${i}.bin`, 2 * MiB);
      s.exit(b);
    }
    push(s, c, sh, { args: `manifest push --all api docker://${IMAGE}`, files: 70 });
    expect(rules(s)).toEqual(['push-without-reads low']);
  });
});

describe("the container's state expiring while it sleeps", () => {
  const IDLE_MS = 2 * 3_600_000;
  it.each([
    ['/usr/bin/cp', `-r /srv/exports ${DEST}/x`],
    ['/usr/bin/buildah', 'copy working-container /srv/exports /data'],
  ])(
    '%s %s, two idle hours (another pod busy meanwhile), then buildah push: bulk, with either sensor',
    (binary, args) => {
      for (const source of SOURCES) {
        const { s, c, sh } = step(source);
        const stager = s.exec(c, binary, args, { parent: sh });
        readDump(s, stager);
        s.exit(stager).wait(IDLE_MS / 2);
        // Events of another pod move the node's clock on: the idle container's state expires.
        const other = s.container({ namespace: 'prod', name: 'web' });
        const web = s.exec(other, '/usr/bin/nginx', '-g daemon off;', { parent: s.init(other) });
        s.read(web, '/etc/nginx/nginx.conf', 2_000).wait(IDLE_MS / 2);
        s.read(web, '/etc/nginx/mime.types', 2_000);
        push(s, c, sh);
        // One event per batch, as a live stream comes: the sweep goes on between them.
        const alerts = brief(run(s.events, { batchSize: 1 }).alerts).map((a) => `${a.rule} ${a.severity}`);
        expect(alerts, source).toEqual(['bulk-read-then-push high']);
      }
    },
  );
});

describe('a mount over the storage started under a builder’s name', () => {
  it.each([
    ['/usr/bin/mount', `--bind /srv/exports ${DEST}`],
    ['/usr/bin/bindfs', `/srv/exports ${DEST}`],
    ['/usr/bin/fuse-overlayfs', `-o lowerdir=/srv/exports:${STORAGE}/overlay/l/ABC,upperdir=${DEST}/u ${DEST}/merged`],
  ])('a "podman" wrapper running %s %s: the push reading through it is bulk, with either sensor', (binary, args) => {
    for (const source of SOURCES) {
      const { s, c, sh } = step(source);
      const wrapper = s.exec(c, '/usr/local/bin/podman', 'system migrate', { parent: sh });
      s.exit(s.exec(c, binary, args, { parent: wrapper })).exit(wrapper);
      // No read: the files are read only through the mount, by the push.
      push(s, c, sh);
      expect(rules(s), source).toEqual(['bulk-read-then-push high']);
    }
  });

  it("rootless podman's own fuse-overlayfs, with its id mappings and a working directory, still stages nothing", () => {
    const { s, c, sh } = step('tetragon');
    const root = `/home/podman/.local/share/containers/storage/overlay`;
    const run = s.exec(c, '/usr/bin/podman', 'run --rm docker.io/library/alpine true', { parent: sh });
    const opts = `lowerdir=${root}/l/ABC:${root}/l/DEF,upperdir=${root}/x/diff,workdir=${root}/x/work,,squash_to_uid=0,uidmapping=0:1000:1:1:100000:65536`;
    const fuse = s.exec(c, '/usr/bin/fuse-overlayfs', `-o ${opts} ${root}/x/merged`, {
      parent: run,
      cwd: '/home/podman',
    });
    s.exit(fuse).exit(run);
    push(s, c, sh, { dir: USER_STORE });
    expect(rules(s)).toEqual(['push-without-reads low']);
  });
});

describe('another container of the pod staging into the storage they share', () => {
  it.each([
    ['/usr/bin/cp', `-r /srv/exports ${DEST}/x`, 0],
    ['/usr/bin/cp', `-r /srv/exports ${DEST}/x`, WINDOW_AND_MORE_MS],
    ['/usr/bin/buildah', 'copy working-container /srv/exports /data', 0],
    ['/usr/bin/buildah', 'copy working-container /srv/exports /data', WINDOW_AND_MORE_MS],
  ])('a step running %s %s, %d ms before the next step pushes: bulk, with either sensor', (binary, args, gapMs) => {
    for (const source of SOURCES) {
      const { s, c, sh } = step(source);
      // An earlier Tekton step of the same pod, sharing /var/lib/containers (the task's emptyDir).
      const prep = s.container({ namespace: 'ci', pod: 'api-build-pod', name: 'step-prepare' });
      const prepSh = s.init(prep, '/bin/sh', '-c /tekton/scripts/script-prepare');
      const stager = s.exec(prep, binary, args, { parent: prepSh });
      readDump(s, stager);
      s.exit(stager).wait(gapMs);
      push(s, c, sh);
      expect(rules(s), source).toEqual(['bulk-read-then-push high']);
    }
  });

  it('a step of another pod staging stages nothing here', () => {
    const { s, c, sh } = step('tetragon');
    const other = s.container({ namespace: 'ci', pod: 'other-build-pod', name: 'step-prepare' });
    stageWindowBefore(s, other, '/usr/bin/cp', `-r /srv/exports ${DEST}/x`, {
      parent: s.init(other),
      reads: (stager) => readDump(s, stager),
    });
    push(s, c, sh, { files: 30 });
    expect(rules(s)).toEqual(['push-without-reads low']);
  });
});

describe("a node's table of pods that staged, full", () => {
  it('fails closed: a pod not in it counts its builders’ storage reads, as before the exemption', () => {
    const { s, c, sh } = step('tetragon');
    // One more than the table holds: the last one finds it full of live marks.
    for (let i = 0; i <= 4_096; i++) {
      const other = s.container({ namespace: 'ci', pod: `stager-${i}` });
      s.exit(s.exec(other, '/usr/bin/cp', `-r /srv/x ${DEST}/x`, { parent: s.init(other) }));
    }
    push(s, c, sh);
    expect(rules(s)).toEqual(['bulk-read-then-push high']);
  });
});
