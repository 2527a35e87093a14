/**
 * reads.top names the biggest files read in the alert's window. A file the container goes on reading after
 * the window (a dump another process streams out after a quick upload) must not be shown with the bytes
 * read after it: the alert would say a file of 330 MiB was read before a push whose window read 32 MiB.
 */
import { expect, it } from 'vitest';
import { MiB, run, Scenario, T0 } from './builder.js';

function quickUploadThenLongRead() {
  const s = new Scenario();
  const c = s.container();
  const sh = s.init(c);
  s.read(sh, '/srv/pad', 2 * MiB);
  s.now = T0 + 1000;
  const up = s.exec(c, '/tmp/.x/up', '-X POST --data-binary @pad https://ghcr.io/v2/x/blobs/uploads/', {
    parent: sh,
  });
  s.connect(up, '140.82.121.33', 443).send(up, '140.82.121.33', 443, 2 * MiB);
  s.exit(up);
  s.now = T0 + 3000;
  const cat = s.exec(c, '/bin/cat', '/srv/dump.db', { parent: sh });
  s.read(cat, '/srv/dump.db', 30 * MiB);
  s.now = T0 + 30_000;
  s.read(cat, '/srv/dump.db', 300 * MiB);
  s.now = T0 + 120_000;
  s.exec(c, '/bin/true', '', { parent: sh });
  return s;
}

it("no file in reads.top or the read evidence is shown with more bytes than the window's reads", () => {
  const { alerts } = run(quickUploadThenLongRead().events);
  expect(alerts).toHaveLength(1);
  const a = alerts[0]!;
  expect(a.reads.bytes).toBe(32 * MiB);
  expect(a.reads.top.map((t) => t.path)).toEqual(['/srv/dump.db', '/srv/pad']);
  for (const t of a.reads.top) expect(t.bytes).toBeLessThanOrEqual(a.reads.bytes);
  const read = a.evidence.find((e) => e.kind === 'read' && e.detail.startsWith('/srv/dump.db'));
  expect(read?.detail).toBe('/srv/dump.db (32.0 MiB)');
});
