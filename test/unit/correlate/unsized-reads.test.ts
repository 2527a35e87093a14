/**
 * Files the sensor saw opened without a size (Falco's opens, and what git reads through mmap, which Falco
 * cannot size). The Falco form of a `git add` of big files then `git push` said "after reading 0 B in 24
 * files" and listed no file at all in reads.top, the evidence or the isolate step: the responder could not
 * tell what the push carried, where the Tetragon form of the same push named the files.
 */
import { describe, expect, it } from 'vitest';
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
