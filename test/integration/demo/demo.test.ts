/**
 * `exfilwatch demo` as a user runs it: a child process with no cluster, sensor or broker. It must print an
 * alert block for exactly the alerts the scenario descriptions expect (every attack, nothing else), the
 * summary, serve /metrics while it runs, and exit 0 — in the Tetragon (default) and Falco forms; and fail
 * with one line and the promised exit code when the user asks for something it cannot do.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect } from 'nats';
import { afterEach, describe, expect, it } from 'vitest';
import { expectedFor, loadScenarios, type SensorForm } from '../../../src/scenarios/index.js';
import { startNatsServer } from '../../helpers/nats-server.js';

const repo = resolve(import.meta.dirname, '../../..');

/** Whether uid 65534 can read `file` (every directory above it searchable by others). */
function readableByNobody(file: string): boolean {
  const probe = spawnSync(process.execPath, ['-e', 'require("node:fs").accessSync(process.argv[1])', file], {
    uid: 65534,
    gid: 65534,
  });
  return probe.status === 0;
}
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
  metricsBody: string;
  metricsStatus: number;
}

interface SpawnAs {
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
}

/** Runs the demo; fetches /metrics as soon as the banner prints its URL (i.e. while the replay runs). */
async function runDemo(args: string[], as: SpawnAs = {}): Promise<DemoRun> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'demo', '--speed', '4', '--metrics-addr', `127.0.0.1:${port}`, ...args],
    {
      cwd: repo,
      env: { ...process.env, NO_COLOR: '1', NATS_URL: '', ...as.env },
      uid: as.uid,
      gid: as.gid,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let stdout = '';
  let stderr = '';
  let metrics: Promise<{ status: number; body: string }> | null = null;
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const url = /metrics: (http:\/\/\S+\/metrics)/.exec(stdout)?.[1];
    if (url && !metrics) {
      metrics = fetch(url).then(async (res) => ({ status: res.status, body: await res.text() }));
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
  const fetched = metrics ? await (metrics as Promise<{ status: number; body: string }>) : { status: 0, body: '' };
  return { code, stdout, stderr, metricsBody: fetched.body, metricsStatus: fetched.status };
}

/** Runs `exfilwatch demo ARGS` for a usage or setup error: exit code and stderr. */
async function runDemoError(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'demo', ...args], {
    cwd: repo,
    env: { ...process.env, NO_COLOR: '1', NATS_URL: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
  return { code, stderr };
}

/** `namespace/pod container rule severity` for every alert block printed. */
function printedAlerts(stdout: string): string[] {
  const blocks = stdout.split(/\n(?= (?:INFO|LOW|MEDIUM|HIGH|CRITICAL) )/).slice(1);
  return blocks
    .map((block) => {
      const head = /^ (\w+) {2}(\S+)/.exec(block);
      const pod = /\n {2}pod {8}(\S+)/.exec(block)?.[1];
      const container = /\n {2}container {2}(\S+)/.exec(block)?.[1];
      return `${pod} ${container} ${head?.[2]} ${head?.[1]?.toLowerCase()}`;
    })
    .sort();
}

/** The same, derived from the scenario descriptions the demo replays. */
function expectedAlerts(form: SensorForm): { lines: string[]; attacks: number; benign: number } {
  const scenarios = loadScenarios().filter((s) => s.demo);
  const lines = scenarios
    .flatMap((s) =>
      expectedFor(s, form).map((e) => {
        const c = s.containers.find((x) => x.name === e.container)!;
        return `${c.namespace}/${c.pod} ${c.container ?? c.name} ${e.rule} ${e.severity}`;
      }),
    )
    .sort();
  return {
    lines,
    attacks: scenarios.filter((s) => s.kind === 'attack').length,
    benign: scenarios.filter((s) => s.kind === 'benign').length,
  };
}

describe('exfilwatch demo (child process)', () => {
  it.each([
    ['tetragon gRPC', [] as string[], 'tetragon' as const],
    ['falco http_output', ['--falco'], 'falco' as const],
  ])(
    '%s: alerts for exactly the expected scenarios, summary, /metrics while running, exit 0',
    async (_name, args, form) => {
      const expected = expectedAlerts(form);
      const run = await runDemo(args);
      // No warn/error/fatal log lines: a clean replay has nothing to warn about (the intake wait once looked up
      // the wrong metric label and warned, after a 15 s wait, on every run).
      expect(run.stderr).not.toMatch(/"level":(40|50|60)/);
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(expected.attacks).toBeGreaterThan(0);
      expect(printedAlerts(run.stdout)).toEqual(expected.lines);
      expect(run.stdout).toContain(
        `attack scenarios caught: ${expected.attacks}/${expected.attacks}   benign scenarios quiet: ${expected.benign}/${expected.benign}`,
      );
      expect(run.stdout).toContain('result: PASS');
      expect(run.metricsStatus).toBe(200);
      expect(run.metricsBody).toContain('exfilwatch_events_total');
      expect(run.metricsBody).toMatch(/exfilwatch_source_up\{source="(tetragon-grpc|falco-http)"\} 1/);
    },
  );

  it('exits 2 with one line for a bad --speed', async () => {
    const run = await runDemoError(['--speed', 'fast']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      'exfilwatch: --speed: expected a number greater than 0 and at most 1000 (got "fast")',
    );
  });

  it('exits 2 with one line naming --scenarios for a directory that is not there, or is a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-demo-test-'));
    try {
      const missing = join(dir, 'nonexistent');
      const file = join(dir, 'a-file.yaml');
      writeFileSync(file, 'name: a-file\n');
      const gone = await runDemoError(['--scenarios', missing]);
      expect(gone.code).toBe(2);
      expect(gone.stderr).toBe(`exfilwatch: --scenarios: ${missing}: no such directory\n`);
      const notDir = await runDemoError(['--scenarios', file]);
      expect(notDir.code).toBe(2);
      expect(notDir.stderr).toBe(`exfilwatch: --scenarios: ${file}: not a directory\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('one line on stderr for a bad --metrics-addr (exit 2) and for a taken port (exit 1)', async () => {
    const bad = await runDemoError(['--metrics-addr', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('exfilwatch: --metrics-addr: expected HOST:PORT like 0.0.0.0:9464 (got "nope")\n');

    const busy: Server = createServer();
    await new Promise<void>((done) => busy.listen(0, '127.0.0.1', () => done()));
    try {
      const { port } = busy.address() as { port: number };
      const taken = await runDemoError(['--metrics-addr', `127.0.0.1:${port}`]);
      expect(taken.code).toBe(1);
      expect(taken.stderr).toMatch(
        new RegExp(`^exfilwatch: cannot listen on 127\\.0\\.0\\.1:${port} for /metrics: .*EADDRINUSE.*\\n$`),
      );
    } finally {
      await new Promise<void>((done) => busy.close(() => done()));
    }
  });

  it('--nats publishes every alert to JetStream, as run does, as a user who cannot write /var/lib', async () => {
    const nats = await startNatsServer();
    // The demo's spool must live in its own temporary directory and go with it. Run as root (CI containers),
    // the child drops to `nobody`, as a laptop user is: the daemon's default /var/lib/exfilwatch/spool is
    // then out of reach, as it is for any non-root user running the test.
    const home = mkdtempSync(join(tmpdir(), 'exfilwatch-demo-home-'));
    // A checkout under a private directory (root's home) cannot run as nobody: then it stays root, and the
    // tmp spool is still checked below (gone afterwards) and in test/unit/demo/config.test.ts.
    const asNobody = process.getuid?.() === 0 && readableByNobody(join(repo, 'package.json'));
    if (asNobody) chownSync(home, 65534, 65534);
    try {
      const run = await runDemo(['--falco', '--nats', nats.url], {
        env: { TMPDIR: home, HOME: home },
        ...(asNobody ? { uid: 65534, gid: 65534 } : {}),
      });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('correlator → alerts below and NATS');
      const n = expectedAlerts('falco').lines.length;
      expect(run.stdout).toContain(`\nNATS: ${n} of ${n} alerts acknowledged by the broker\n`);
      // Everything the demo made in its temp dir is gone (tsx keeps its own cache there).
      expect(readdirSync(home).filter((f) => f.startsWith('exfilwatch-'))).toEqual([]);
      const nc = await connect({ servers: nats.url });
      try {
        const info = await (await nc.jetstreamManager()).streams.info('EXFILWATCH_ALERTS');
        expect(info.state.messages).toBe(expectedAlerts('falco').lines.length);
        expect(info.config.subjects).toEqual(['exfilwatch.alerts.>']);
      } finally {
        await nc.close();
      }
    } finally {
      await nats.dispose();
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('NATS_URL with the broker away: the header says NATS, the summary what became of the unacked alerts', async () => {
    // The demo's private spool is removed when it ends (docs/demo.md): the summary says those alerts are
    // gone, and the sink's stop warning must not contradict it by promising delivery at the next start.
    const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-demo-one-'));
    try {
      writeFileSync(
        join(dir, 'sa-token-git-push.yaml'),
        readFileSync(join(repo, 'examples', 'scenarios', 'sa-token-git-push.yaml')),
      );
      const run = await runDemo(['--scenarios', dir], { env: { NATS_URL: `nats://127.0.0.1:${await freePort()}` } });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('correlator → alerts below and NATS');
      expect(run.stdout).toMatch(
        /\nNATS: 0 of 1 alerts acknowledged by the broker; 1 not acknowledged, discarded with the demo's private spool/,
      );
      expect(run.stderr).not.toContain('delivered after the next start');
      expect(run.stderr).toContain('alerts left in the spool; it is removed when this process ends');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
