/**
 * The recognition memo (src/correlate/recognition-memo.ts) against recognizeProcess itself, over seeded random
 * process views: every field varied (nulls, a literal '\u0001' standing for the memo's null mark, truncation,
 * argument counts, parents that do and do not change the answer), enough distinct command lines to clear the
 * memo at its cap several times, and the same views again in other orders. Whatever the memo keeps, its answer
 * for a view must be recognizeProcess's.
 */
import { describe, expect, it } from 'vitest';
import { RecognitionMemo } from '../../../src/correlate/recognition-memo.js';
import { recognizeProcess } from '../../../src/rules/index.js';
import type { ProcessView, UploadTargetTest } from '../../../src/rules/recognize.js';
import { seededRandom } from '../../helpers/seeded-random.js';

const URL = 'https://github.com/acme/x.git';
const BINARIES = [
  null,
  '\u0001',
  '/usr/bin/git',
  '/usr/lib/git-core/git-remote-https',
  '/usr/lib/git-core/git-remote-http',
  '/usr/bin/tar',
  '/bin/busybox',
  '/bin/sh',
  '/usr/bin/curl',
  '/usr/bin/kubectl',
  '/usr/local/bin/node',
  '/usr/bin/scp',
  '/usr/bin/rsync',
  '/usr/bin/aws',
  '/usr/bin/docker',
  '/usr/local/bin/python3.12',
];
const ARGS = [
  null,
  '',
  '\u0001',
  `origin ${URL}`,
  `${URL} ${URL}`,
  `push ${URL} main`,
  'push origin main',
  'fetch origin',
  'cf - .',
  'czf - /srv/data',
  'tar cf - /srv',
  '-c "tar cf - /srv"',
  '-T /etc/passwd http://140.82.112.5/upload',
  '-T /etc/passwd https://github.com/upload',
  '--data-binary @/srv/db.dump https://transfer.sh/x',
  'cp /srv/db.dump default/pod:/tmp/db.dump',
  'exec -i pod -- tar cf - /srv',
  '/usr/local/bin/npm publish',
  '-m worker --queue reports',
  's3 cp /srv/db.dump s3://bucket/x',
  'push registry.example.com/acme/app:1',
  '/srv/db.dump user@203.0.113.9:/tmp/',
  '-az /srv/ user@example.org:/backup/',
];
const PARENT_BINARIES = [
  null,
  '/usr/bin/git',
  '/usr/local/bin/git',
  '/bin/sh',
  '/usr/bin/kubectl',
  '/usr/bin/containerd-shim',
];
const PARENT_ARGS = [
  null,
  '',
  'push origin main',
  `push ${URL}`,
  'fetch origin',
  'clone x',
  '-c deploy',
  'exec -i pod -- sh',
];

function pick<T>(r: () => number, from: readonly T[]): T {
  return from[Math.floor(r() * from.length)]!;
}

/** A view; one in eight has a command line of its own (`--run N`), so the memo fills and is cleared. */
function randomView(r: () => number): ProcessView {
  const unique = r() < 0.125;
  const args = unique ? `${pick(r, ARGS) ?? ''} --run ${Math.floor(r() * 5000)}` : pick(r, ARGS);
  const shim = r() < 0.1 ? `-id ${Math.floor(r() * 1e9).toString(16)}` : null;
  const count = r();
  return {
    binary: pick(r, BINARIES),
    args,
    parentBinary: pick(r, PARENT_BINARIES),
    parentArgs: shim ?? pick(r, PARENT_ARGS),
    // As the normalizers give them: a cut only of args there are (src/formats/falco/process.ts), counts from 1.
    argvTruncated: args === null ? undefined : pick(r, [undefined, false, true]),
    argvCount: count < 0.6 ? undefined : Math.floor(count * 12) - 6,
  };
}

/** Some hosts are upload targets; answers for IP literals are not kept, so the test may vary for them alone. */
const uploadTarget: UploadTargetTest = (host) =>
  host === 'github.com' || host === 'transfer.sh' || host === '203.0.113.9';

describe('RecognitionMemo over random process views', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`answers as recognizeProcess does (seed ${seed})`, () => {
      const r = seededRandom(seed);
      const memo = new RecognitionMemo(uploadTarget);
      const views = Array.from({ length: 4000 }, () => randomView(r));
      let kept = 0;
      // Each view twice, the second time in another order: a hit must answer as the miss did.
      const order = [...views, ...views.map((_v, i) => views[(i * 7919) % views.length]!)];
      for (const [i, v] of order.entries()) {
        const want = recognizeProcess({ ...v }, uploadTarget);
        const got = memo.recognize({ ...v });
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          expect({ i, view: v, got }).toEqual({ i, view: v, got: want });
        }
        kept = Math.max(kept, memo.size);
      }
      // The memo was used rather than bypassed: it filled to its cap (1,024 answers) and was cleared.
      expect(kept).toBe(1024);
      expect(memo.size).toBeLessThan(1024);
    });
  }
});
