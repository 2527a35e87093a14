import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { normalizeTetragonJson, tetragonJsonToProto } from '../../../src/formats/tetragon/index.js';
import {
  startTetragonReplayServer,
  type TetragonReplayServer,
} from '../../../src/sensors-sim/tetragon-replay-server.js';
import { generatedEvents } from '../../fixtures/tetragon/generated.js';
import { allSamples, readSample, SAMPLES_DIR, sampleFiles } from '../../fixtures/tetragon/samples.js';

const root = resolve(import.meta.dirname, '../../..');
const NODE = 'cli-test-node';
const jsonEvents = [...allSamples().map((s) => s.json), ...generatedEvents().map(([, j]) => j)];
/** What `events` must print: the JSON normalizer's output, serialized (exact ids, cookies, bytes, ns). */
const expectedLines = jsonEvents
  .map((j) => normalizeTetragonJson(j, { node: NODE }))
  .filter((e) => e !== null)
  .map((e) => JSON.stringify(e));
const protoEvents = jsonEvents.map(tetragonJsonToProto);

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-events-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface Run {
  proc: ChildProcess;
  lines: string[];
  stderr: () => string;
  waitFor(pred: (lines: string[]) => boolean, what: string): Promise<void>;
  exit: Promise<number | null>;
}

function runEvents(args: string[], stdin?: Buffer): Run {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'events', ...args], {
    cwd: root,
    env: { ...process.env, NODE_NAME: NODE },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  cleanups.push(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  });
  const lines: string[] = [];
  let partial = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => {
    const parts = (partial + d.toString()).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  if (stdin) proc.stdin!.end(stdin);
  else proc.stdin!.end();
  const exit = new Promise<number | null>((r) => proc.on('close', (code) => r(code)));
  return {
    proc,
    lines,
    stderr: () => err,
    exit,
    async waitFor(pred, what) {
      const until = Date.now() + 20_000;
      while (!pred(lines)) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}; stderr: ${err}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

async function replay(address: string, events = protoEvents): Promise<TetragonReplayServer> {
  const s = await startTetragonReplayServer({ address, events });
  cleanups.push(() => s.close());
  return s;
}

const nonGap = (lines: string[]) => lines.filter((l) => !l.startsWith('{"kind":"gap"'));

describe('exfilwatch events --tetragon (child process against a grpc-js FineGuidanceSensors server)', () => {
  it.each([
    ['unix socket', () => `unix://${join(tmp(), 'tetragon.sock')}`],
    ['TCP', () => '127.0.0.1:0'],
  ])('prints every sample and generated event normalized, exactly, over %s', async (_name, address) => {
    const server = await replay(address());
    const run = runEvents(['--tetragon', server.address]);
    await run.waitFor((l) => l.length >= expectedLines.length, 'all events');
    expect(run.lines).toEqual(expectedLines);
    expect(server.requests[0]?.allowList).toHaveLength(2);
    run.proc.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  });

  it('keeps printing after the agent is killed and restarted mid-stream, with a gap marker', async () => {
    const address = `unix://${join(tmp(), 'restart.sock')}`;
    const first = await startTetragonReplayServer({ address, events: protoEvents.slice(0, 4) });
    const run = runEvents(['--tetragon', address, '--log-level', 'info']);
    await run.waitFor((l) => l.length >= 4, 'first batch');
    await first.close();
    await new Promise((r) => setTimeout(r, 200));
    await replay(address, protoEvents.slice(4, 8));
    await run.waitFor((l) => nonGap(l).length >= 7, 'second batch');
    const gaps = run.lines.filter((l) => l.startsWith('{"kind":"gap"')).map((l) => JSON.parse(l));
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({ source: 'tetragon', node: NODE, gap: { reason: 'disconnected', dropped: 0 } });
    const expectedBoth = [...jsonEvents.slice(0, 8)]
      .map((j) => normalizeTetragonJson(j, { node: NODE }))
      .filter((e) => e !== null)
      .map((e) => JSON.stringify(e));
    expect(nonGap(run.lines)).toEqual(expectedBoth);
    expect(run.stderr()).toContain('source reconnected');
    run.proc.kill('SIGINT');
    expect(await run.exit).toBe(0);
  });

  it('an invalid --tetragon address is a one-line usage error (exit 2), a bare socket path with the address meant', async () => {
    const run = runEvents(['--tetragon', '/var/run/tetragon/tetragon.sock']);
    expect(await run.exit).toBe(2);
    expect(run.stderr().trim()).toBe(
      'exfilwatch: --tetragon: expected unix:///absolute/path or host:port; for a unix socket write ' +
        'unix:///var/run/tetragon/tetragon.sock (got "/var/run/tetragon/tetragon.sock")',
    );
  });
});

describe('exfilwatch events FILE… (the JSON export path)', () => {
  it('parses every real sample file (plain, gzip and stdin) to the same lines as gRPC', async () => {
    const dir = tmp();
    // The export writes one object per line; the pretty-printed doc samples are compacted as Tetragon would.
    const files = sampleFiles().map((f) => {
      if (f.endsWith('.jsonl')) return join(SAMPLES_DIR, f);
      const out = join(dir, `${f}l`);
      writeFileSync(
        out,
        `${readSample(f)
          .map((o) => JSON.stringify(o))
          .join('\n')}\n`,
      );
      return out;
    });
    const generatedText = `${generatedEvents()
      .map(([, j]) => JSON.stringify(j))
      .join('\n')}\n`;
    const gz = join(dir, 'generated.log.gz');
    writeFileSync(gz, gzipSync(generatedText));
    const [firstFile, ...otherFiles] = files;
    const run = runEvents(
      ['--format', 'tetragon', firstFile!, ...otherFiles.slice(0, 2), '-', ...otherFiles.slice(2), gz],
      Buffer.from(''),
    );
    expect(await run.exit).toBe(0);
    expect(run.lines).toEqual(expectedLines);
  });

  it('an unreadable input is one line at once and exit 1, like scan; the other inputs still print', async () => {
    const dir = tmp();
    const missing = join(dir, 'missing.jsonl');
    const corrupt = join(dir, 'corrupt.jsonl.gz');
    writeFileSync(corrupt, Buffer.from('\x1f\x8b garbage', 'latin1'));
    const good = join(dir, 'good.jsonl');
    const goodLines = readSample('process_exec.testdata.jsonl').map((o) => JSON.stringify(o));
    writeFileSync(good, `${goodLines.join('\n')}\n`);
    const truncated = join(dir, 'truncated.jsonl.gz');
    const zipped = gzipSync(`${goodLines.join('\n')}\n`);
    // Past the 8-byte trailer into the data: the last line or so is lost, the ones before it are not.
    writeFileSync(truncated, zipped.subarray(0, zipped.length - 40));
    const run = runEvents([missing, dir, corrupt, good, truncated]);
    expect(await run.exit).toBe(1);
    expect(run.stderr().trim().split('\n')).toEqual([
      `exfilwatch: cannot read ${missing}: ENOENT; skipped`,
      `exfilwatch: cannot read ${dir}: is a directory; skipped`,
      `exfilwatch: cannot read ${corrupt}: corrupt gzip data (unknown compression method); skipped`,
      expect.stringMatching(
        /^exfilwatch: cannot read \S+truncated\.jsonl\.gz past line \d+: truncated gzip data \(unexpected end of file\); the lines before it were read$/,
      ),
    ]);
    const printed = run.lines.filter((l) => l !== '');
    // The good file whole, then what the truncated copy of it held before the cut: a part of the same.
    const goodEvents = goodLines.filter((l) => normalizeTetragonJson(JSON.parse(l), { node: NODE }) !== null).length;
    expect(goodEvents).toBeGreaterThan(1);
    expect(printed.length).toBeGreaterThan(goodEvents);
    expect(printed.length).toBeLessThan(2 * goodEvents);
    expect(printed.slice(goodEvents)).toEqual(printed.slice(0, printed.length - goodEvents));
  });

  it('bad lines are counted skips naming file and line; good lines around them still print', async () => {
    const dir = tmp();
    const good = readSample('process_exec.testdata.jsonl');
    const huge = structuredClone(good[1]!) as { process_exec: { process: { arguments: string } } };
    huge.process_exec.process.arguments = 'x'.repeat(1024 * 1024);
    const file = join(dir, 'mixed.log');
    writeFileSync(
      file,
      [
        JSON.stringify(good[0]),
        '{"process_exec": {"process": ', // truncated line
        '[1,2,3]',
        '{"hello":"world"}',
        JSON.stringify({
          process_kprobe: {
            function_name: 'security_file_permission',
            args: [{ file_arg: { path: '/etc/shadow' } }, { int_arg: 4 }],
          },
          time: '2025-01-01T00:00:00.5Z',
        }),
        JSON.stringify(huge),
        `{"pad":"${'y'.repeat(5 * 1024 * 1024)}"}`,
        JSON.stringify(good[2]),
      ].join('\n'),
    );
    const run = runEvents(['--log-level', 'warn', file]);
    expect(await run.exit).toBe(0);
    const printed = run.lines.filter((l) => l !== '').map((l) => JSON.parse(l));
    expect(printed.map((e) => e.kind)).toEqual(['exec', 'file', 'exec', 'exec']);
    expect(printed[1]).toMatchObject({
      node: NODE,
      process: { execId: null, pid: null },
      file: { path: '/etc/shadow', op: 'read' },
    });
    expect(printed[2].process.args).toMatch(/^x{65536}…\[truncated 983040 chars\]$/);
    expect(printed[3].process.execId).toBe(
      (good[2] as { process_exec: { process: { exec_id: string } } }).process_exec.process.exec_id,
    );
    const warnings = run
      .stderr()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(warnings[0].err).toBe(`${file} line 2: invalid JSON (Unexpected end of JSON input)`);
  });

  // Events saved as a pretty-printed array: `jq -c .` made one line of the array, refused in turn as one.
  it('a pretty-printed array says, at its first line, to make a line of each event', async () => {
    const file = join(tmp(), 'pretty.json');
    writeFileSync(file, JSON.stringify(readSample('process_exec.testdata.jsonl').slice(0, 2), null, 2));
    const run = runEvents(['--log-level', 'warn', file]);
    expect(await run.exit).toBe(0);
    expect(run.lines.filter((l) => l !== '')).toEqual([]);
    const first = JSON.parse(run.stderr().split('\n')[0]!) as { err: string };
    expect(first.err).toMatch(
      /^.* line 1: invalid JSON \(.*\): .*pretty-printed JSON \(an array: .*jq -c "\.\[\]" FILE\)$/,
    );
  });
});
