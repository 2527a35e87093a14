import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type TailState, tailFile } from '../../../src/io/tail.js';

const dirs: string[] = [];
const aborts: AbortController[] = [];
afterEach(() => {
  for (const a of aborts.splice(0)) a.abort();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(startAt: 'end' | 'start' = 'end', extra: { pollMs?: number; waitForRoom?: () => Promise<void> } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-tail-'));
  dirs.push(dir);
  const path = join(dir, 'tetragon.log');
  const lines: string[] = [];
  const states: TailState[] = [];
  const abort = new AbortController();
  aborts.push(abort);
  const start = () =>
    tailFile(
      path,
      {
        startAt,
        pollMs: extra.pollMs ?? 10,
        ...(extra.waitForRoom ? { waitForRoom: extra.waitForRoom } : {}),
        maxLineBytes: 1 << 20,
        onLine: (l) => lines.push(l),
        onOversize: () => lines.push('<oversize>'),
        onState: (s) => states.push(s),
      },
      abort.signal,
    );
  return { dir, path, lines, states, abort, start };
}

async function until(pred: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 5000;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `{"n":${from + i}}`);
const text = (from: number, to: number) => `${range(from, to).join('\n')}\n`;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('tailFile (tail -F)', () => {
  it('starts at the end, holds a partial line until it is complete', async () => {
    const t = setup('end');
    writeFileSync(t.path, `${range(0, 3).join('\n')}\n`);
    const done = t.start();
    await until(() => t.states.includes('open'), 'open');
    appendFileSync(t.path, '{"n":3}\n{"n":');
    await until(() => t.lines.length === 1, 'first new line');
    await new Promise((r) => setTimeout(r, 50));
    expect(t.lines).toEqual(['{"n":3}']);
    appendFileSync(t.path, '4}\n');
    await until(() => t.lines.length === 2, 'completed line');
    expect(t.lines).toEqual(range(3, 5));
    t.abort.abort();
    await done;
  });

  it('survives rename + create rotations (lumberjack) without losing or repeating lines', async () => {
    const t = setup('start');
    writeFileSync(t.path, '');
    const done = t.start();
    // The first file must have been opened before it is rotated away, or its lines are unseen by design.
    await until(() => t.states.includes('open'), 'open');
    let n = 0;
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 50; i++) appendFileSync(t.path, `{"n":${n++}}\n`);
      // Rotate: the writer closes, renames to a backup and starts a new file; lines written right
      // before the rename must still be read from the old file.
      renameSync(t.path, join(t.dir, `tetragon-${round}.log`));
      if (round % 2 === 0) await new Promise((r) => setTimeout(r, 15)); // sometimes the path is briefly missing
      writeFileSync(t.path, `{"n":${n++}}\n`);
      // Real rotations are far apart (every 10 MB); a tailer cannot know of files rotated away unseen.
      await until(() => t.lines.length >= n, `${n} lines after rotation ${round}`);
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(t.lines).toEqual(range(0, n));
    expect(t.states.filter((s) => s === 'rotated').length).toBe(5);
    t.abort.abort();
    await done;
  });

  it('survives truncation (copytruncate): reads the new content from the start, no repeats', async () => {
    const t = setup('start');
    writeFileSync(t.path, `${range(0, 10).join('\n')}\n`);
    const done = t.start();
    await until(() => t.lines.length === 10, 'initial lines');
    truncateSync(t.path, 0);
    await until(() => t.states.includes('truncated'), 'truncation noticed');
    appendFileSync(t.path, `${range(10, 13).join('\n')}\n`);
    await until(() => t.lines.length === 13, 'lines after truncation');
    expect(t.lines).toEqual(range(0, 13));
    t.abort.abort();
    await done;
  });

  it('waits for a file that does not exist yet and reads it from its start', async () => {
    const t = setup('end');
    const done = t.start();
    await until(() => t.states.includes('waiting'), 'waiting');
    writeFileSync(t.path, `${range(0, 2).join('\n')}\n`);
    await until(() => t.lines.length === 2, 'lines of the new file');
    expect(t.lines).toEqual(range(0, 2));
    t.abort.abort();
    await done;
  });

  // copytruncate races: the file is truncated and written past our offset before we look again. Its size
  // never drops below the offset, so only the bytes under the offset can tell.
  it('copytruncate then regrowth within one poll: every new line read once, from the start', async () => {
    const t = setup('start', { pollMs: 300 });
    writeFileSync(t.path, text(0, 10));
    const done = t.start();
    await until(() => t.lines.length === 10, 'initial lines');
    await pause(50); // the tailer is asleep until its next poll
    truncateSync(t.path, 0);
    appendFileSync(t.path, text(10, 40));
    await until(() => t.lines.length >= 40, 'lines after truncation');
    await pause(400);
    expect(t.lines).toEqual(range(0, 40));
    expect(t.states.filter((s) => s === 'truncated').length).toBe(1);
    t.abort.abort();
    await done;
  });

  it('copytruncate then regrowth while reading waits for room: every new line read once', async () => {
    let release: (() => void) | undefined;
    let paused = false;
    const waitForRoom = () => {
      if (paused) return Promise.resolve();
      paused = true;
      return new Promise<void>((r) => {
        release = r;
      });
    };
    const t = setup('start', { waitForRoom });
    writeFileSync(t.path, text(0, 10));
    const done = t.start();
    await until(() => release !== undefined, 'reading paused after the first chunk');
    expect(t.lines).toEqual(range(0, 10));
    truncateSync(t.path, 0);
    appendFileSync(t.path, text(10, 40));
    release?.();
    await until(() => t.lines.length >= 40, 'lines after truncation');
    await pause(50);
    expect(t.lines).toEqual(range(0, 40));
    expect(t.states.filter((s) => s === 'truncated').length).toBe(1);
    t.abort.abort();
    await done;
  });

  it('a file that only grows, in pieces cut mid-line, is never taken for truncated', async () => {
    const t = setup('start');
    writeFileSync(t.path, '');
    const done = t.start();
    await until(() => t.states.includes('open'), 'open');
    const all = text(0, 300);
    for (let at = 0; at < all.length; ) {
      const next = Math.min(all.length, at + 1 + ((at * 7919) % 97));
      appendFileSync(t.path, all.slice(at, next));
      at = next;
      if (at % 5 === 0) await pause(3);
    }
    await until(() => t.lines.length >= 300, 'all lines');
    await pause(50);
    expect(t.lines).toEqual(range(0, 300));
    expect(t.states).not.toContain('truncated');
    t.abort.abort();
    await done;
  });
});
