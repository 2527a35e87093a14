/**
 * The config `exfilwatch demo` runs with: with NATS it gets a private spool under the temp dir (the daemon's
 * /var/lib/exfilwatch/spool is a node's hostPath, out of a laptop user's reach), removed when the demo ends;
 * a spool a scenario sets is left alone.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildDemoConfig, type DemoConfig } from '../../../src/demo/config.js';
import { loadDemoScenarios } from '../../../src/demo/scenarios.js';
import { ConfigError } from '../../../src/errors.js';
import type { Scenario } from '../../../src/scenarios/index.js';
import type { NatsSinkConfig } from '../../../src/sinks/nats/config.js';

const library = loadDemoScenarios();
let tmp: string;
let savedTmpdir: string | undefined;

beforeEach(() => {
  // os.tmpdir() follows TMPDIR: a fresh one shows exactly what the demo creates and leaves behind.
  tmp = mkdtempSync(join(tmpdir(), 'exfilwatch-demo-config-test-'));
  savedTmpdir = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
});

afterEach(() => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
  rmSync(tmp, { recursive: true, force: true });
});

/** The registry-built config schema types each sink's slice loosely: this is the NATS sink's. */
const natsOf = (demo: DemoConfig) => demo.config.sinks.nats as NatsSinkConfig | undefined;

/** The library with `config` added to its first scenario. */
function withConfig(config: Record<string, unknown>): Scenario[] {
  const [first, ...rest] = library;
  return [{ ...first!, config: { ...first!.config, ...config } }, ...rest];
}

describe('buildDemoConfig', () => {
  it('with --nats: the spool is a 0700 directory of its own under the temp dir, removed by dispose', () => {
    const demo = buildDemoConfig(library, { nats: 'nats://127.0.0.1:4222', logLevel: 'warn', env: {} });
    const dir = demo.privateSpoolDir;
    expect(dir).not.toBeNull();
    expect(dir!.startsWith(`${tmp}${sep}`)).toBe(true);
    expect(natsOf(demo)?.spool.dir).toBe(dir);
    expect(natsOf(demo)?.servers).toEqual(['nats://127.0.0.1:4222']);
    const stat = statSync(dir!);
    expect(stat.isDirectory()).toBe(true);
    expect(stat.mode & 0o777).toBe(0o700);

    demo.dispose();
    expect(existsSync(dir!)).toBe(false);
    demo.dispose(); // twice: the exit hook and the normal path may both run
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('with NATS_URL instead of the flag: the same private spool', () => {
    const demo = buildDemoConfig(library, { logLevel: 'warn', env: { NATS_URL: 'nats://127.0.0.1:4222' } });
    try {
      expect(natsOf(demo)?.spool.dir).toBe(demo.privateSpoolDir);
      expect(demo.privateSpoolDir!.startsWith(`${tmp}${sep}`)).toBe(true);
    } finally {
      demo.dispose();
    }
  });

  it('without NATS: no NATS sink and nothing created', () => {
    const demo = buildDemoConfig(library, { logLevel: 'warn', env: {} });
    expect(natsOf(demo)).toBeUndefined();
    expect(demo.privateSpoolDir).toBeNull();
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('a spool directory a scenario configures is used as given and never removed', () => {
    const own = join(tmp, 'my-spool');
    const demo = buildDemoConfig(withConfig({ sinks: { nats: { spool: { dir: own, maxMessages: 500 } } } }), {
      nats: 'nats://127.0.0.1:4222',
      logLevel: 'warn',
      env: {},
    });
    expect(demo.privateSpoolDir).toBeNull();
    expect(natsOf(demo)?.spool.dir).toBe(own);
    expect(natsOf(demo)?.spool.maxMessages).toBe(500);
    expect(readdirSync(tmp)).toEqual([]);
    demo.dispose();
  });

  it('a scenario spool setting other than dir keeps the private directory', () => {
    const demo = buildDemoConfig(withConfig({ sinks: { nats: { spool: { maxMessages: 500 } } } }), {
      nats: 'nats://127.0.0.1:4222',
      logLevel: 'warn',
      env: {},
    });
    try {
      expect(natsOf(demo)?.spool.dir).toBe(demo.privateSpoolDir);
      expect(natsOf(demo)?.spool.maxMessages).toBe(500);
    } finally {
      demo.dispose();
    }
  });

  it('a config error after the spool was made leaves no directory behind', () => {
    const bad = withConfig({ sinks: { nats: { spool: { maxMessages: 0 } } } });
    expect(() => buildDemoConfig(bad, { nats: 'nats://127.0.0.1:4222', logLevel: 'warn', env: {} })).toThrow(
      ConfigError,
    );
    expect(readdirSync(tmp)).toEqual([]);
  });
});
