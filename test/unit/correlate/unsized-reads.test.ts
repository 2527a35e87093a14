/**
 * Files the sensor saw opened without a size (Falco's opens, and what git reads through mmap, which Falco
 * cannot size). The Falco form of a `git add` of big files then `git push` said "after reading 0 B in 24
 * files" and listed no file at all in reads.top, the evidence or the isolate step: the responder could not
 * tell what the push carried, where the Tetragon form of the same push named the files.
 */
import { describe, expect, it } from 'vitest';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { MiB, run, Scenario } from './builder.js';

const GITHUB_IP = '140.82.112.3';

/** `git add` of `files` files the sensor sees opened with no size, then `git push` sending `sent` bytes. */
function gitAddUnsizedThenPush(files: number, sent: number) {
  const s = new Scenario({ source: 'falco' });
  const c = s.container({ namespace: 'analytics', pod: 'report-builder-6c8', name: 'builder' });
  const sh = s.init(c);
  s.wait(2_000);
  const add = s.exec(c, '/usr/bin/git', '--git-dir=/tmp/.w/.git --work-tree=/srv/q add -A', { parent: sh });
  for (let i = 0; i < files; i++) s.read(add, `/srv/q/part-${i}.parquet`, null, { op: 'open' }).wait(100);
  s.exit(add).wait(3_000);
  const url = 'https://github.com/quarterly-drop/r.git';
  const push = s.exec(c, '/usr/bin/git', `push ${url} HEAD:main`, { parent: sh });
  s.wait(20);
  const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', `${url} ${url}`, { parent: push });
  s.wait(20).connect(helper, GITHUB_IP, 443).wait(10).send(helper, GITHUB_IP, 443, sent);
  s.wait(200).exit(helper).exit(push);
  return s;
}

describe('files read without a size', () => {
  it('are named in reads.top and the evidence when no read was sized, and the summary does not say "0 B"', () => {
    const [a] = run(gitAddUnsizedThenPush(24, 80 * MiB).events).alerts;
    expect(a?.rule).toBe('bulk-push-without-reads');
    expect(a?.reads).toMatchObject({ bytes: 0, files: 24 });
    expect(a?.summary).not.toContain('0 B in');
    expect(a?.summary).toContain(
      'after opening 24 files (sizes not reported by the sensor) within 30 min; 80.0 MiB sent',
    );
    expect(a?.reads.top.length).toBe(5);
    expect(a?.reads.top.every((t) => t.path.startsWith('/srv/q/part-') && t.bytes === 0)).toBe(true);
    const reads = a?.evidence.filter((e) => e.kind === 'read') ?? [];
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((e) => e.detail.endsWith('(size not reported)'))).toBe(true);
    expect(a?.response.find((r) => r.startsWith('Isolate'))).toContain('/srv/q/part-');
  });
});

/**
 * `git add` of two files read() with sizes, two git maps (Falco sees their opens, not their bytes) and one opened
 * and not read, then a push; Tetragon sizes the maps.
 */
function gitAddSomeUnsizedThenPush(source: SensorSource) {
  const s = new Scenario({ source });
  const c = s.container({ namespace: 'analytics', pod: 'report-builder-6c8', name: 'builder' });
  const sh = s.init(c);
  s.wait(2_000);
  const add = s.exec(c, '/usr/bin/git', '--git-dir=/tmp/.w/.git --work-tree=/srv/q add -A', { parent: sh });
  for (let i = 0; i < 2; i++) s.read(add, `/srv/q/sized-${i}.parquet`, 40 * MiB).wait(100);
  for (let i = 0; i < 2; i++) {
    if (source === 'falco') s.read(add, `/srv/q/mapped-${i}.parquet`, null, { op: 'open' }).wait(100);
    else s.read(add, `/srv/q/mapped-${i}.parquet`, 30 * MiB, { op: 'map' }).wait(100);
  }
  // Opened and never read: Tetragon, which sizes every read, says so by its 0; Falco cannot tell it from a map.
  s.read(add, '/srv/q/.gitattributes', null, { op: 'open' }).wait(100);
  s.exit(add).wait(3_000);
  const url = 'https://github.com/quarterly-drop/r.git';
  const push = s.exec(c, '/usr/bin/git', `push ${url} HEAD:main`, { parent: sh });
  s.wait(20);
  const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', `${url} ${url}`, { parent: push });
  s.wait(20)
    .connect(helper, GITHUB_IP, 443)
    .wait(10)
    .send(helper, GITHUB_IP, 443, 150 * MiB);
  s.wait(200).exit(helper).exit(push);
  return run(s.events).alerts;
}

describe('some files read without a size', () => {
  it('falco: the summary says "at least" the bytes sized, and reads.top lists the unsized with 0', () => {
    const [a] = gitAddSomeUnsizedThenPush('falco');
    expect(a?.reads).toMatchObject({ bytes: 80 * MiB, files: 5 });
    expect(a?.reads.top.filter((t) => t.bytes === 0).length).toBe(3);
    // "80.0 MiB in 5 files" read as exact: three of them were never sized.
    expect(a?.summary).toContain('after reading at least 80.0 MiB in 5 files');
  });

  it('tetragon: a file opened and not read (0) leaves the sum exact, and the summary as it was', () => {
    const [a] = gitAddSomeUnsizedThenPush('tetragon');
    expect(a?.reads.top.filter((t) => t.bytes === 0).map((t) => t.path)).toEqual(['/srv/q/.gitattributes']);
    expect(a?.summary).toContain('after reading 140.0 MiB in 5 files');
    expect(a?.summary).not.toContain('at least');
  });
});
