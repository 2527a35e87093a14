import { describe, expect, it } from 'vitest';
import { formatAlert, formatBytes } from '../../../src/demo/alert-printer.js';
import type { Alert } from '../../../src/model/alert.js';

function alert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'a1b2c3d4',
    time: '2025-03-01T10:04:05.123456789Z',
    rule: 'bulk-read-then-push',
    severity: 'high',
    summary: 'git pushed to github.com after reading 180 MiB in payments/api-7d9f',
    node: 'worker-1',
    container: {
      id: '3f2a9c0d1e2b3f4a5b6c7d8e9f00112233445566778899aabbccddeeff001122',
      name: 'api',
      image: 'reg.example/api:1.4',
    },
    pod: { namespace: 'payments', name: 'api-7d9f', labels: { app: 'api' } },
    process: { binary: '/usr/bin/git', args: 'push origin main', pid: 4242, execId: 'ZXhlYw==', uid: 0 },
    push: {
      tool: 'git',
      destination: 'github.com:443',
      remote: 'https://github.com/attacker/loot.git',
      namedBy: 'argv',
      addresses: [],
    },
    reads: {
      bytes: 180 * 1024 * 1024,
      files: 1204,
      top: [
        { path: '/data/customers.db', bytes: 120 * 1024 * 1024 },
        { path: '/data/orders.db', bytes: 50 * 1024 * 1024 },
        { path: '/data/a', bytes: 5 * 1024 * 1024 },
        { path: '/data/b', bytes: 1024 },
      ],
      sensitive: ['/var/run/secrets/kubernetes.io/serviceaccount/token'],
    },
    egressBytes: 190_000_000,
    window: { start: '2025-03-01T10:00:00.000000000Z', end: '2025-03-01T10:04:05.123456789Z' },
    evidence: [
      { time: '2025-03-01T10:00:00.000000000Z', kind: 'sensitive-read', binary: '/bin/cat', detail: 'token' },
      { time: '2025-03-01T10:03:00.5Z', kind: 'read', binary: '/usr/bin/tar', detail: '1204 files' },
      { time: '2025-03-01T10:04:05.123456789Z', kind: 'push', binary: '/usr/bin/git', detail: 'git push origin main' },
    ],
    mitre: { technique: 'T1567.001', tactic: 'exfiltration' },
    source: 'tetragon',
    degraded: false,
    suppressed: 0,
    response: ['Isolate the pod.', 'Review repository access.'],
    ...overrides,
  };
}

describe('formatAlert', () => {
  it('prints every part a responder needs, plain when colour is off', () => {
    const text = formatAlert(alert(), { color: false });
    expect(text).not.toContain('\u001b[');
    const lines = text.split('\n');
    expect(lines[0]).toBe(' HIGH  bulk-read-then-push  2025-03-01T10:04:05.123456789Z  id a1b2c3d4');
    expect(lines[1]).toBe('  git pushed to github.com after reading 180 MiB in payments/api-7d9f');
    expect(text).toContain('container  api  id 3f2a9c0d1e2b  image reg.example/api:1.4');
    expect(text).toContain('pod        payments/api-7d9f  node worker-1');
    expect(text).toContain('push       git  → github.com:443  https://github.com/attacker/loot.git');
    expect(text).toContain(
      'reads      180 MiB in 1204 files; sensitive: /var/run/secrets/kubernetes.io/serviceaccount/token',
    );
    expect(text).toContain('top: /data/customers.db (120 MiB), /data/orders.db (50.0 MiB), /data/a (5.0 MiB), …');
    expect(text).toContain('egress     181 MiB');
    expect(text).toContain('evidence   10:00:00.000 sensitive-read /bin/cat  token');
    expect(text).toContain('10:03:00.500 read           /usr/bin/tar  1204 files');
    expect(text).toContain('response   1. Isolate the pod.');
    expect(text).toMatch(/\n {13}2\. Review repository access\.\n/);
    expect(text).toContain('T1567.001 (exfiltration)  source tetragon');
    expect(text).not.toContain('degraded');
  });

  it('colours the severity badge only when asked', () => {
    const critical = formatAlert(alert({ severity: 'critical' }), { color: true });
    expect(critical.startsWith('\u001b[1;97;41m CRITICAL \u001b[0m')).toBe(true);
    const low = formatAlert(alert({ severity: 'low' }), { color: true });
    expect(low.startsWith('\u001b[1;36m LOW \u001b[0m')).toBe(true);
  });

  it('handles absent values and says when the alert is degraded or carries suppressed ones', () => {
    const text = formatAlert(
      alert({
        pod: null,
        container: { id: 'abcdef012345', name: null, image: null },
        process: { binary: null, args: null, pid: null, execId: null, uid: null },
        push: { tool: 'docker', destination: null, remote: null, namedBy: null, addresses: [] },
        reads: { bytes: 0, files: 0, top: [], sensitive: [] },
        egressBytes: null,
        degraded: true,
        suppressed: 3,
        evidence: Array.from({ length: 12 }, (_, i) => ({
          time: '2025-03-01T10:00:00Z',
          kind: 'exec',
          binary: null,
          detail: `step ${i}`,
        })),
      }),
      { color: false, maxEvidence: 5 },
    );
    expect(text).toContain('container  (unnamed)  id abcdef012345\n');
    expect(text).toContain('pod        (not in a pod)  node worker-1');
    expect(text).not.toContain('process');
    expect(text).not.toContain('egress');
    expect(text).toContain('push       docker\n');
    expect(text).toContain('reads      0 B in 0 files\n');
    expect(text).toContain('step 4');
    expect(text).not.toContain('step 5');
    expect(text).toContain('… 7 more');
    expect(text).toContain('degraded: events were lost inside the window');
    expect(text).toContain('3 similar alert(s) suppressed');
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(64 * 1024 * 1024)).toBe('64.0 MiB');
    expect(formatBytes(3 * 1024 ** 4)).toBe('3.0 TiB');
  });
});
