/**
 * `exfilwatch scan` as a user runs it: a child process over stdin, a .gz file, a file mixing Tetragon and
 * Falco lines; alerts on stdout, the summary on stderr, and the promised exit codes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultScenarioDir, generatedPaths } from '../../src/scenarios/index.js';

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = join(dir, 'config.yaml');
writeFileSync(config, 'correlator:\n  destinations:\n    dnsRefreshMs: 0\n');
const scenario = (name: string) => generatedPaths(defaultScenarioDir(), name);

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runScan(args: string[], stdin?: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'scan', ...args], {
      cwd: root,
      env: { ...process.env, NODE_NAME: 'test-node' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

const alertsOf = (r: Result) =>
  r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { rule: string; severity: string; source: string });

// Each child pays tsx's start-up (~2 s of CPU): keep their number small.
describe('exfilwatch scan (child process)', () => {
  it('reads stdin (-), prints alerts on stdout and the summary on stderr, exits 0', async () => {
    const input = readFileSync(scenario('git-push-https-bulk-read').tetragon, 'utf8');
    const r = await runScan(['--config', config, '-'], input);
    expect(r.code).toBe(0);
    expect(alertsOf(r).map((a) => `${a.severity} ${a.rule}`)).toEqual(['high bulk-read-then-push']);
    expect(r.stderr).toMatch(/exfilwatch scan summary/);
    expect(r.stderr).toMatch(/events\s+\d+/);
    expect(r.stderr).toMatch(/alerts\s+1 \(critical 0, high 1, medium 0, low 0, info 0\)/);
    expect(r.stderr).toMatch(/containers\s+1\b/);
    expect(r.stderr).toMatch(/events\/s\s+[\d,]+/);
  });

  it('reads a gzip file and a file mixing Tetragon and Falco lines', async () => {
    const gz = join(dir, 'oras.falco.jsonl.gz');
    writeFileSync(gz, gzipSync(readFileSync(scenario('oras-push-secrets').falco)));
    const mixed = join(dir, 'mixed.jsonl');
    writeFileSync(
      mixed,
      readFileSync(scenario('crane-append-archive').tetragon, 'utf8') +
        readFileSync(scenario('benign-small-commit').falco, 'utf8'),
    );
    const r = await runScan(['--config', config, gz, mixed]);
    expect(r.code).toBe(0);
    const alerts = alertsOf(r)
      .map((a) => `${a.source} ${a.severity} ${a.rule}`)
      .sort();
    expect(alerts).toEqual([
      'falco high sensitive-read-then-push',
      'falco low push-without-reads',
      'tetragon high bulk-read-then-push',
    ]);
    expect(r.stderr).toMatch(/files\s+2\b/);
  });

  it('reports an unreadable file, still scans the others, and exits 1', async () => {
    const r = await runScan(['--config', config, join(dir, 'missing.jsonl'), scenario('sa-token-git-push').tetragon]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read .*missing\.jsonl: ENOENT; skipped/);
    expect(alertsOf(r).map((a) => a.rule)).toEqual(['sensitive-read-then-push']);
    expect(r.stderr).toMatch(/files\s+2 \(1 unreadable\)/);
  });

  it('reports a corrupt and a truncated .gz as unreadable, after the lines before the cut, and exits 1', async () => {
    const corrupt = join(dir, 'corrupt.jsonl.gz');
    writeFileSync(corrupt, Buffer.from('\x1f\x8b garbage', 'latin1'));
    const truncated = join(dir, 'truncated.jsonl.gz');
    const zipped = gzipSync(readFileSync(scenario('sa-token-git-push').tetragon));
    writeFileSync(truncated, zipped.subarray(0, zipped.length - 200));
    const r = await runScan(['--config', config, corrupt, truncated, scenario('git-push-https-bulk-read').tetragon]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^exfilwatch: cannot read \S*corrupt\.jsonl\.gz: corrupt gzip data \(.+\); skipped$/m);
    expect(r.stderr).toMatch(
      /^exfilwatch: cannot read \S*truncated\.jsonl\.gz past line [1-9]\d*: truncated gzip data \(unexpected end of file\); the lines before it were read$/m,
    );
    expect(r.stderr).not.toMatch(/"level"/);
    expect(r.stderr).toMatch(/files\s+3 \(2 unreadable\)/);
    expect(r.stderr).toMatch(/events\s+\d+ \(ignored \d+, undecodable 0\)/);
    expect(alertsOf(r).map((a) => a.rule)).toContain('bulk-read-then-push');
  });

  it('exits 2 with one line for a bad --format and for an unknown config key', async () => {
    const badConfig = join(dir, 'bad.yaml');
    writeFileSync(badConfig, 'correlator:\n  windowMinutes: 30\n');
    const [badFormat, r] = await Promise.all([
      runScan(['--format', 'json', scenario('sa-token-git-push').tetragon]),
      runScan(['--config', badConfig, scenario('sa-token-git-push').tetragon]),
    ]);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr.trim()).toBe('exfilwatch: --format: expected one of auto, tetragon, falco (got "json")');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/correlator.*windowMinutes/);
  });
});
