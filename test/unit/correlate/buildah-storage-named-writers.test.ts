/**
 * Programs that write a file they are told by an option or an operand (`openssl -out`, `zstd -o`, `git clone SRC
 * DIR`, `7z x -oDIR`), exec'd directly, as a step's script file runs them (found by review of the storage
 * exemption): ../../../src/correlate/own-products.ts counted them as staging `dist/` and `node_modules/`
 * (./product-writers.ts), but ../../../src/correlate/container-storage.ts did not, so data written into buildah's
 * storage that way a window before `buildah push` left with its reads exempted: `push-without-reads`, low.
 */
import { describe, expect, it } from 'vitest';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { brief, MiB, run, Scenario } from './builder.js';
import { stageWindowBefore } from './staging-step.js';

const QUAY = '3.216.152.103';
const DEST = `/var/lib/containers/storage/vfs/dir/${'3f'.repeat(32)}/usr/lib/jvm`;
const IMAGE = 'quay.io/acme/api:1.4.2';
const SOURCES: readonly SensorSource[] = ['tetragon', 'falco'];

describe('a program writing into the storage by the name its command line gives', () => {
  it.each([
    ['/usr/bin/openssl', `enc -aes-256-cbc -pass pass:x -in /srv/exports/db.tar -out ${DEST}/db`],
    ['/usr/bin/zstd', `-d /srv/exports/db.tar.zst -o ${DEST}/db.tar`],
    ['/usr/bin/gpg', `--batch -o ${DEST}/db.tar -d /srv/exports/db.tar.gpg`],
    ['/usr/bin/git', `clone /srv/exports/repo ${DEST}/repo`],
    ['/usr/bin/7z', `x /srv/exports/db.7z -o${DEST}`],
  ])('%s %s, then buildah push a window later: bulk, with either sensor', (binary, args) => {
    for (const source of SOURCES) {
      const s = new Scenario({ source });
      const c = s.container({ namespace: 'ci', pod: 'api-build-pod', name: 'step' });
      const entry = s.init(c, '/tekton/bin/entrypoint', '-entrypoint /tekton/scripts/script-0 --');
      const sh = s.exec(c, '/bin/bash', '/tekton/scripts/script-0', { parent: entry, cwd: '/workspace/source' });
      stageWindowBefore(s, c, binary, args, {
        parent: sh,
        cwd: '/workspace/source',
        reads: (writer) => {
          for (let i = 0; i < 75; i++) s.read(writer, `/srv/exports/db-${i}.bin`, 2 * MiB);
        },
      });
      const p = s.exec(c, '/usr/bin/buildah', `push ${IMAGE} docker://${IMAGE}`, { parent: sh });
      for (let i = 0; i < 75; i++) s.read(p, `${DEST}/part-${i}.bin`, 2 * MiB);
      s.connect(p, QUAY, 443).send(p, QUAY, 443, 60 * MiB);
      s.wait(1_000).exit(p);
      expect(
        brief(run(s.events).alerts).map((a) => `${a.rule} ${a.severity}`),
        source,
      ).toEqual(['bulk-read-then-push high']);
    }
  });
});
