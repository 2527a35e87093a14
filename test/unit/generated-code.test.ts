import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const committed = join(root, 'src/generated');

function listFiles(base: string, dir = base): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? listFiles(base, p) : [relative(base, p)];
    })
    .sort();
}

describe('src/generated', () => {
  const out = mkdtempSync(join(tmpdir(), 'exfilwatch-gen-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('is exactly what scripts/gen-proto.mjs produces from proto/ (no diff after regenerating)', () => {
    execFileSync(process.execPath, [join(root, 'scripts/gen-proto.mjs'), '--out', out], { stdio: 'pipe' });
    const fresh = listFiles(out);
    expect(fresh).toContain('tetragon/events.ts');
    expect(listFiles(committed)).toEqual(fresh);
    const differing = fresh.filter((f) => !readFileSync(join(out, f)).equals(readFileSync(join(committed, f))));
    expect(differing, 'regenerate with `npm run gen:proto` and commit the result').toEqual([]);
  });
});
