/**
 * `exfilwatch events` as a child process: the Falco receiver (`--falco-http`) and Falco JSON lines in files
 * (`--format auto|falco`, `.gz`, stdin) print normalized events on stdout.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { startFalcoGrpcServer } from '../../../src/sensors-sim/falco-grpc-server.js';
import { createFalcoHttpPoster } from '../../../src/sensors-sim/falco-http-poster.js';
import { connectAlert, execAlert, fixtureObjects, readAlert, sendAlert } from '../../fixtures/falco/events.js';
import { freePort } from './harness.js';

const ROOT = join(import.meta.dirname, '../../..');
const children: ChildProcessWithoutNullStreams[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function cli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'events', ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_NAME: 'cli-node' },
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    lines: () =>
      stdout
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l)),
    stderr: () => stderr,
  };
}

async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('exfilwatch events with Falco input (child process)', () => {
  it('--falco-http HOST:PORT receives POSTs and prints them normalized; SIGTERM exits 0', async () => {
    const port = await freePort();
    const run = cli(['--falco-http', `127.0.0.1:${port}`]);
    await until(
      () =>
        fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      `receiver up (stderr: ${run.stderr()})`,
    );
    const poster = createFalcoHttpPoster({ url: `http://127.0.0.1:${port}/` });
    try {
      const bodies = [
        ...fixtureObjects('docs_channels_terminal_shell.json'),
        ...fixtureObjects('blog_openfaas_shell_and_k8s_api_connect.jsonl'),
        execAlert(),
        readAlert('/src/.git/objects/pack/p.pack', 1 << 20),
        connectAlert(),
        sendAlert(4096),
        'not json at all',
      ];
      const codes = (await poster.postAll(bodies)).map((r) => r.status);
      expect(codes).toEqual([200, 200, 200, 200, 200, 200, 200, 400]);
    } finally {
      poster.close();
    }
    await until(() => run.lines().length >= 7, 'seven events printed');
    const events = run.lines();
    expect(events.map((e) => e.kind)).toEqual(['exec', 'exec', 'net', 'exec', 'file', 'net', 'net']);
    expect(events[0]).toMatchObject({
      source: 'falco',
      time: '2023-05-25T13:44:05.478445995Z',
      node: 'falco-xczjd',
      container: { id: 'ee97d9c4186f', image: 'docker.io/library/alpine' },
      pod: { namespace: 'default', name: 'kubecon' },
    });
    expect(events[1]).toMatchObject({ node: 'cli-node' }); // pre-0.30 alert without hostname
    expect(events[4]).toMatchObject({ file: { op: 'read', bytes: 1 << 20 }, process: { binary: '/usr/bin/tar' } });
    expect(events[6]).toMatchObject({ net: { op: 'send', bytes: 4096, daddr: '10.0.0.12', dport: 443 } });
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('reads Falco JSON lines from files (.gz too) and stdin; --format auto tells them from Tetragon lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-falco-cli-'));
    dirs.push(dir);
    const tetragonLine = JSON.stringify({
      process_exec: {
        process: {
          exec_id: 'bm9kZTo0MjQyOjQyNDI=',
          pid: 4242,
          binary: '/usr/bin/git',
          arguments: 'push origin main',
          start_time: '2026-01-01T00:00:00Z',
        },
      },
      node_name: 'node-t',
      time: '2026-01-01T00:00:01.000000001Z',
    });
    const mixed = join(dir, 'mixed.jsonl');
    writeFileSync(mixed, `${execAlert()}\n${tetragonLine}\n${connectAlert()}\n`);
    const gz = join(dir, 'falco.jsonl.gz');
    writeFileSync(gz, gzipSync(`${readAlert('/etc/ssl/private/key.pem', 1700)}\n`));
    const run = cli(['--format', 'auto', mixed, gz, '-']);
    run.child.stdin.end(`${sendAlert(99)}\n`);
    expect(await run.exited).toBe(0);
    const events = run.lines();
    expect(events.map((e) => `${e.source}:${e.kind}`).sort()).toEqual(
      ['falco:exec', 'tetragon:exec', 'falco:net', 'falco:file', 'falco:net'].sort(),
    );
    expect(events.find((e) => e.kind === 'file')).toMatchObject({
      file: { path: '/etc/ssl/private/key.pem', bytes: 1700 },
    });
    // --format falco skips the Tetragon line instead of misreading it.
    const strict = cli(['--format', 'falco', mixed]);
    expect(await strict.exited).toBe(0);
    expect(strict.lines().map((e) => e.source)).toEqual(['falco', 'falco']);
  });

  it('--falco-grpc unix:///… subscribes to a Falco outputs server and prints its alerts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-falco-cli-grpc-'));
    dirs.push(dir);
    const address = `unix://${join(dir, 'falco.sock')}`;
    const server = await startFalcoGrpcServer({ address });
    try {
      const run = cli(['--falco-grpc', address]);
      await until(() => server.subscribers() === 1, `subscribed (stderr: ${run.stderr()})`);
      server.push(execAlert(), connectAlert());
      await until(() => run.lines().length >= 2, 'two events printed');
      expect(run.lines().map((e) => e.kind)).toEqual(['exec', 'net']);
      expect(run.lines()[0]).toMatchObject({
        time: '2026-01-01T00:00:00.123456789Z',
        process: { binary: '/usr/bin/git' },
      });
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    } finally {
      await server.stop();
    }
  });
});
