/**
 * `exfilwatch run` validates its config in a short-lived child process, so zod and the schemas (~25 MB of
 * RSS) never enter the daemon's long-lived heap: the daemon's own module graph must not load zod, and the
 * config it gets from the child must be the one loadRunConfig gives in-process.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRunConfig } from '../../../src/cli/run-config.js';
import { loadRunConfigIsolated } from '../../../src/cli/run-config-isolated.js';
import { ConfigError } from '../../../src/errors.js';
import { runCli, startCli, stopChild } from './cli-process.js';

const RECORDER = fileURLToPath(new URL('../../fixtures/config/record-modules.mjs', import.meta.url));

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'exfilwatch-iso-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Module URLs the process with this pid resolved (the recorder's log holds its validation child's too). */
function modulesOf(log: string, pid: number | undefined): string[] {
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith(`${pid} `))
    .map((l) => l.slice(l.indexOf(' ') + 1));
}

const isZod = (url: string) => url.includes('/node_modules/zod/');

/** Every source and sink type configured, so the daemon loads every runtime module it has. */
function everythingConfig(dir: string): string {
  const file = join(dir, 'config.yaml');
  const log = join(dir, 'tetragon.log');
  writeFileSync(log, '');
  writeFileSync(
    file,
    JSON.stringify({
      node: 'node-a',
      sources: {
        tetragonGrpc: [{ address: `unix://${join(dir, 'tetragon.sock')}` }],
        tetragonFile: [{ path: log }],
        falcoHttp: [{ listen: '127.0.0.1:0' }],
        falcoGrpc: [{ address: `unix://${join(dir, 'falco.sock')}` }],
      },
      sinks: { nats: { servers: ['nats://127.0.0.1:1'], spool: { dir: join(dir, 'spool') } }, stdout: {} },
      allowlist: [{ namespace: 'ci', reason: 'CI image builds' }],
      metrics: { listen: '127.0.0.1:0' },
    }),
  );
  return file;
}

describe('exfilwatch run keeps zod out of its heap', () => {
  it('the running daemon, with every source and sink type, never loaded zod; its validation child did', async () => {
    const dir = tempDir();
    const log = join(dir, 'modules.log');
    const run = startCli(['run', '--config', everythingConfig(dir)], {
      NODE_OPTIONS: `--import=${RECORDER}`,
      EXFILWATCH_MODULE_LOG: log,
    });
    try {
      await run.waitForLog((l) => l.msg === 'exfilwatch running', 30_000);
      const daemon = modulesOf(log, run.child.pid);
      // The recorder saw the daemon's graph: the pipeline, the correlator, every source's and sink's code.
      for (const part of [
        '/src/app.ts',
        '/src/correlate/index.ts',
        '/src/sources/tetragon-grpc/source.ts',
        '/src/sources/falco-http/receiver.ts',
        '/src/sources/falco-grpc/client.ts',
        '/src/sinks/nats/sink.ts',
      ]) {
        expect(daemon.some((u) => u.endsWith(part))).toBe(true);
      }
      expect(daemon.filter(isZod)).toEqual([]);
      expect(daemon.filter((u) => u.includes('/src/config/schema.ts'))).toEqual([]);
      // The same recorder does see zod where it is loaded: in the validation child.
      const others = readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith(`${run.child.pid} `));
      expect(others.some(isZod)).toBe(true);
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
      await stopChild(run);
    }
  });

  it('a config error still exits 2 with one line naming the key', async () => {
    const dir = tempDir();
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'sinks:\n  nats:\n    maxInFlight: many\n');
    const r = await runCli(['run', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^exfilwatch: sinks\.nats\.maxInFlight: /);
  });
});

describe('loadRunConfigIsolated', () => {
  it('gives the config loadRunConfig gives in-process, overrides and environment included', () => {
    const dir = tempDir();
    const file = everythingConfig(dir);
    const flags = { config: file, alertsStdout: true, falcoHttp: ['127.0.0.1:2999'], logLevel: 'debug' };
    const env = { ...process.env, NATS_URL: 'nats://127.0.0.1:5,nats://127.0.0.1:6' };
    const isolated = loadRunConfigIsolated(flags, env);
    expect(isolated).toEqual(loadRunConfig(flags, env));
    expect((isolated.sinks as { nats?: { servers: string[] } }).nats?.servers).toEqual([
      'nats://127.0.0.1:5',
      'nats://127.0.0.1:6',
    ]);
    // The flag overrides the file's falcoHttp list.
    expect((isolated.sources.falcoHttp as Array<{ listen: string }>).map((s) => s.listen)).toEqual(['127.0.0.1:2999']);
  });

  it('throws the ConfigError loadRunConfig throws, key path and message alike', () => {
    const dir = tempDir();
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, `sinks:\n  nats:\n    credsFile: ${join(dir, 'missing.creds')}\n`);
    const caught = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err;
      }
      throw new Error('expected an error');
    };
    const inProcess = caught(() => loadRunConfig({ config: file }, {}));
    const isolated = caught(() => loadRunConfigIsolated({ config: file }, { ...process.env, NATS_URL: '' }));
    expect(isolated).toBeInstanceOf(ConfigError);
    expect((isolated as ConfigError).keyPath).toBe('sinks.nats.credsFile');
    expect((isolated as ConfigError).message).toBe((inProcess as ConfigError).message);
  });
});
