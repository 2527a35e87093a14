/**
 * `kubectl cp --retries N POD:PATH LOCAL` (any N but 0) does not run `tar cf - PATH` in the pod: it runs `sh -c
 * "tar cf - PATH | tail -c+OFFSET"` under the runtime, from the first attempt, so that a broken stream resumes
 * where it stopped. Found by review: the pod side was recognised only as a `tar` started by the runtime, and
 * that tar's parent is the shell, so a copy of the database's data directory out of its pod raised nothing.
 * The shell is recognised by kubectl's exact command, under the runtime only.
 */
import { describe, expect, it } from 'vitest';
import { correlatorConfigSchema } from '../../../src/correlate/config.js';
import { DestinationClassifier } from '../../../src/correlate/destinations.js';
import { recognizeProcess } from '../../../src/rules/index.js';
import { brief, MiB, run, Scenario } from './builder.js';

const classifier = new DestinationClassifier(correlatorConfigSchema.parse({}).destinations, 100);
const recognize = (binary: string, args: string, parentBinary: string | null) => {
  const r = recognizeProcess({ binary, args, parentBinary, parentArgs: null }, (h, p) =>
    classifier.isUploadTarget(h, p),
  );
  return r?.kind === 'push' ? [r.tool, r.remote] : r;
};

describe("kubectl cp's resumable pod side", () => {
  it("is the shell running kubectl's command under the runtime, quoted as Tetragon gives it or not, as Falco does", () => {
    expect(recognize('/bin/sh', '-c "tar cf - /var/lib/postgresql/data | tail -c+0"', '/usr/bin/runc')).toEqual([
      'kubectl',
      '/var/lib/postgresql/data',
    ]);
    expect(recognize('/bin/sh', '-c tar cf - /root/.aws | tail -c+1048576', 'runc:[2:INIT]')).toEqual([
      'kubectl',
      '/root/.aws',
    ]);
    expect(
      recognize('/usr/bin/bash', "-c 'tar cf - /srv/data | tail -c+0'", '/usr/bin/containerd-shim-runc-v2'),
    ).toEqual(['kubectl', '/srv/data']);
  });

  it('is nothing else: another parent, another command, or a plain tar under a shell', () => {
    expect(recognize('/bin/sh', '-c "tar cf - /var/lib/data | tail -c+0"', '/bin/bash')).toBeNull();
    expect(recognize('/bin/sh', '-c "tar cf - /var/lib/data | gzip"', '/usr/bin/runc')).toBeNull();
    expect(recognize('/bin/sh', '-c "tar cf /backup/x.tar /var/lib/data"', '/usr/bin/runc')).toBeNull();
    expect(recognize('/bin/sh', '-c "tar cf - /var/lib/data | tail -c+0; curl x"', '/usr/bin/runc')).toBeNull();
    expect(recognize('/bin/tar', 'cf - /var/lib/data', '/bin/sh')).toBeNull();
  });

  for (const source of ['tetragon', 'falco'] as const) {
    it(`a data directory copied out with --retries is bulk-read-then-push, as kubectl cp's pod side (${source})`, () => {
      const s = new Scenario({ source });
      const c = s.container({ namespace: 'shop', pod: 'orders-db-0', name: 'postgres' });
      s.init(c);
      const sh = s.exec(c, '/bin/sh', '-c "tar cf - /var/lib/postgresql/data | tail -c+0"', {
        parentBinary: '/usr/bin/runc',
        parentArgs: 'init',
      });
      const tar = s.exec(c, '/bin/tar', 'cf - /var/lib/postgresql/data', { parent: sh });
      s.readMany(tar, '/var/lib/postgresql/data', 30, 3 * MiB, 10);
      s.wait(200).exit(tar).exit(sh);
      const { alerts } = run(s.events);
      expect(brief(alerts)).toEqual([
        { rule: 'bulk-read-then-push', severity: 'high', tool: 'kubectl', destination: null },
      ]);
      expect(alerts[0]!.summary).toContain('kubectl cp out of pod shop/orders-db-0');
    });
  }
});
