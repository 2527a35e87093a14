import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRunConfig } from '../../../src/cli/run-config.js';
import { allConfigProblems } from '../../../src/config/validate.js';
import { configErrorOf } from '../../helpers/config-error.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'exfilwatch-dup-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// Two readers of one sensor stream put every event into the pipeline twice: a push after 124 MiB of
// reads was judged on 248 MiB (measured with two tetragonFile entries naming one export file).
describe('a sensor endpoint given twice', () => {
  it('is a problem in the file, named by the second entry and pointing at the first', () => {
    const problems = allConfigProblems({
      sources: {
        tetragonGrpc: [{}, { address: 'unix:///var/run/tetragon/tetragon.sock' }, { address: 'localhost:54321' }],
        tetragonFile: [{ path: '/var/log/t.log' }, { path: '/var/log/./t.log' }],
        falcoGrpc: [{ address: 'unix:///run/falco/falco.sock' }, { address: 'unix:///run/falco/falco.sock' }],
        falcoHttp: [{ listen: '127.0.0.1:2801' }, { listen: '127.0.0.1:2801' }],
      },
    });
    expect(problems.map((p) => p.keyPath)).toEqual([
      'sources.tetragonGrpc[1].address',
      'sources.tetragonFile[1].path',
      'sources.falcoHttp[1].listen',
      'sources.falcoGrpc[1].address',
    ]);
    expect(problems[0]!.message).toMatch(/is already sources\.tetragonGrpc\[0\]/);
  });

  it("is never made by a flag repeating the config file: a flag overrides the file's entries of its type", () => {
    const log = join(dir, 'tetragon.log');
    const other = join(dir, 'other.log');
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      `sources:\n  tetragonFile:\n    - path: ${log}\n      startAt: start\n    - path: ${other}\n` +
        `  falcoHttp:\n    - listen: 127.0.0.1:2801\n`,
    );
    const loaded = loadRunConfig({ config, tetragonFile: [log] }, {});
    // One reader of the flag's file, with the flag's defaults; the file's other type untouched.
    const files = loaded.sources.tetragonFile as Array<{ path: string; startAt: string }>;
    expect(files.map((s) => [s.path, s.startAt])).toEqual([[log, 'end']]);
    expect((loaded.sources.falcoHttp as Array<{ listen: string }>).map((s) => s.listen)).toEqual(['127.0.0.1:2801']);
    const twice = configErrorOf(() => loadRunConfig({ tetragon: ['127.0.0.1:54321', '127.0.0.1:54321'] }, {}));
    expect(twice.keyPath).toBe('--tetragon');
    expect(twice.message).toContain('--tetragon 127.0.0.1:54321');
  });

  it('different endpoints of one type are fine, as are receivers on ephemeral ports', () => {
    expect(
      allConfigProblems({
        sources: {
          tetragonGrpc: [{ address: 'unix:///a.sock' }, { address: 'unix:///b.sock' }, { address: 'h:1' }],
          tetragonFile: [{ path: '/a.log' }, { path: '/b.log' }],
          falcoHttp: [{ listen: '127.0.0.1:0' }, { listen: '127.0.0.1:0' }],
        },
      }),
    ).toEqual([]);
  });
});

describe('the CLI with one endpoint twice', () => {
  const root = join(import.meta.dirname, '../../..');
  const cli = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('check-config lists it, events stops with exit 2 and one line naming the flag', () => {
    const log = join(dir, 'tetragon.log');
    writeFileSync(log, '');
    const config = join(dir, 'config.yaml');
    writeFileSync(config, `sources:\n  tetragonFile:\n    - path: ${log}\n    - path: ${log}\n`);
    const check = cli(['check-config', config]);
    expect(check.status).toBe(2);
    expect(check.stdout).toContain('sources.tetragonFile[1].path: ');

    const events = cli(['events', '--tetragon-file', log, '--tetragon-file', log]);
    expect(events.status).toBe(2);
    expect(events.stderr).toMatch(/^exfilwatch: --tetragon-file: .* is already --tetragon-file /m);
  }, 60_000);
});
