/**
 * The Tetragon export file there but unreadable, against the real daemon (`exfilwatch run` as a child
 * process): Tetragon writes it root:root 0600 by default, the first thing a file-mode install meets. The
 * log says what the file's mode and owner are, who the daemon runs as and what to change, not a bare
 * EACCES; source_up 0 and /readyz 503 meanwhile; once the file is readable its lines are read.
 */
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon, tempDir, waitFor } from './helpers/daemon.js';
import { attackScenario } from './helpers/scenario.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * A daemon tailing `file` from its start. Root (CI) would override file modes, so as root it runs with an empty
 * capability bounding set: uid 0 without CAP_DAC_OVERRIDE or CAP_DAC_READ_SEARCH.
 */
async function daemonReading(file: string, dir: string) {
  const asRoot = process.getuid?.() === 0;
  const d = await startDaemon(
    {
      sources: { tetragonFile: [{ path: file, pollIntervalMs: 50, startAt: 'start' }] },
      sinks: { stdout: { enabled: true } },
      correlator: { destinations: { dnsRefreshMs: 0 } },
    },
    { dir, ...(asRoot ? { prefix: ['setpriv', '--inh-caps=-all', '--bounding-set=-all'] } : {}) },
  );
  cleanups.push(() => d.dispose());
  return d;
}

describe('export file the daemon may not read', () => {
  it('says mode, owner, who we are and the Tetragon setting; not ready; read once readable', async () => {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'tetragon.log');
    const attack = attackScenario({ name: 'file-permission', startMs: Date.now() - 3000 });
    const lines = attack.tetragon.slice(0, 20);
    writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
    // Mode 0000 on a file of our own: no read for its owner (root included, without its capabilities).
    chmodSync(file, 0o000);
    const d = await daemonReading(file, dir);

    const line = await d.waitForLog((l) => l.msg === 'cannot read the export file; retrying');
    const uid = process.getuid?.();
    expect(line.detail).toMatch(
      new RegExp(
        `^${file}: EACCES: permission denied \\(mode 0000, owner ${uid}:\\d+; this process runs as uid ${uid}, groups [\\d,]+\\)$`,
      ),
    );
    expect(line.hint).toContain('tetragon.exportFilePerm is "640"');
    expect(line.hint).toContain('tetragon.socketGroup');
    expect(await d.metric('exfilwatch_source_up', { source: 'tetragon-file' })).toBe(0);
    const readyz = await fetch(`${d.base}/readyz`);
    expect(readyz.status).toBe(503);
    // A responder reads /readyz first: its reason says the file error and the setting, not the source alone.
    const { reason } = (await readyz.json()) as { reason: string };
    expect(reason).toContain(`tetragon-file ${file} (${file}: EACCES: permission denied (mode 0000`);
    expect(reason).toContain('; tetragon.exportFilePerm)');

    // Made readable (Tetragon's exportFilePerm, or the group fixed): up, and every line read from the start.
    chmodSync(file, 0o644);
    await d.waitForMetric('exfilwatch_source_up', { source: 'tetragon-file' }, (v) => v === 1);
    const seen = async () =>
      (await d.metric('exfilwatch_events_total', { source: 'tetragon' })) +
      (await d.metric('exfilwatch_events_dropped_total', { reason: 'ignored' }));
    await waitFor(async () => (await seen()) === lines.length, `${lines.length} lines read`);
  });

  it('a directory above it that may not be searched is said to be the directory, with its own hint', async () => {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const exportDir = join(dir, 'tetragon');
    mkdirSync(exportDir);
    const file = join(exportDir, 'tetragon.log');
    writeFileSync(file, '');
    chmodSync(file, 0o644);
    // Readable by all, in a directory nobody may search: the file's mode (and Tetragon's exportFilePerm) is no fix.
    chmodSync(exportDir, 0o600);
    cleanups.push(() => chmodSync(exportDir, 0o755));
    const d = await daemonReading(file, dir);

    const line = await d.waitForLog((l) => l.msg === 'cannot read the export file; retrying');
    expect(line.detail).toMatch(/^.*: EACCES: permission denied \(a directory above it cannot be searched; /);
    expect(line.hint).toContain("that directory's mode or group");
    expect(line.hint).not.toContain('exportFilePerm');
    chmodSync(exportDir, 0o755);
    await d.waitForMetric('exfilwatch_source_up', { source: 'tetragon-file' }, (v) => v === 1);
  });
});
