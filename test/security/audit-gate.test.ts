/**
 * The dependency audit gate `npm test` starts with (scripts/audit.mjs), driven by a stand-in `npm` on PATH
 * that prints what `npm audit --json` prints in each case, so the gate's decisions are checked here even
 * though this sandbox's registry refuses audits.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runGate(stdout: string, stderr = '', exitCode = 1) {
  const bin = join(dir, `bin-${Math.random().toString(36).slice(2)}`);
  mkdirSync(bin);
  writeFileSync(join(bin, 'out.json'), stdout);
  writeFileSync(join(bin, 'err.txt'), stderr);
  writeFileSync(
    join(bin, 'npm'),
    `#!/bin/sh\n[ "$1" = audit ] || exit 9\ncat "${bin}/out.json"\ncat "${bin}/err.txt" >&2\nexit ${exitCode}\n`,
  );
  chmodSync(join(bin, 'npm'), 0o755);
  return spawnSync(process.execPath, ['scripts/audit.mjs'], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
  });
}

const report = (vulnerabilities: Record<string, unknown>, counts: Record<string, number>) =>
  JSON.stringify({ auditReportVersion: 2, vulnerabilities, metadata: { vulnerabilities: counts } });

describe('dependency audit gate', () => {
  it('fails on a high vulnerability in a runtime dependency and names it', () => {
    const r = runGate(
      report(
        {
          protobufjs: {
            name: 'protobufjs',
            severity: 'critical',
            range: '<7.2.4',
            fixAvailable: true,
            via: [{ title: 'Prototype Pollution', url: 'https://github.com/advisories/GHSA-h755-8qp9-cq85' }],
          },
          'some-lib': { name: 'some-lib', severity: 'moderate', via: ['x'] },
        },
        { info: 0, low: 0, moderate: 1, high: 0, critical: 1, total: 2 },
      ),
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/critical\s+protobufjs <7\.2\.4 \(fix available\) — Prototype Pollution/);
    expect(r.stdout).not.toMatch(/some-lib/);
    expect(r.stdout).toMatch(/audit: FAILED — 1 package/);
  });

  it('passes with only moderate findings, printing the counts', () => {
    const r = runGate(
      report(
        { 'some-lib': { name: 'some-lib', severity: 'moderate', via: ['x'] } },
        { info: 0, low: 0, moderate: 1, high: 0, critical: 0, total: 1 },
      ),
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/critical 0, high 0, moderate 1, low 0 \(1 total\)/);
    expect(r.stdout).toMatch(/audit: OK/);
  });

  it('says plainly that nothing was checked when the endpoint refuses (405), without failing', () => {
    const r = runGate(
      JSON.stringify({ message: 'audit endpoint returned an error', statusCode: 405 }),
      'npm warn audit 405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk\n',
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/audit: SKIPPED — .*audit endpoint returned an error/);
    expect(r.stdout).toMatch(/nothing was checked/);
  });

  it('exits 2 when npm prints something that is not a report', () => {
    const r = runGate('npm ERR! something odd', 'boom');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/printed no JSON/);
  });
});
