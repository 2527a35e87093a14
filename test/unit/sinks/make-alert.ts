import type { Alert, Severity } from '../../../src/model/alert.js';
import { MITRE } from '../../../src/model/alert.js';

/** A complete, schema-shaped alert for sink tests (the correlator is not needed to exercise sinks). */
export function makeAlert(n: number, severity: Severity = 'high', rule = 'bulk-read-then-push'): Alert {
  const t = new Date(Date.UTC(2025, 0, 1, 12, 0, 0) + n * 1000).toISOString();
  return {
    id: `alert-${String(n).padStart(6, '0')}`,
    time: t,
    rule,
    severity,
    summary: `test alert ${n}: git push to github.com after reading 80 MiB`,
    node: 'node-a',
    container: { id: 'a'.repeat(64), name: 'app', image: 'ghcr.io/example/app:1' },
    pod: { namespace: 'default', name: 'app-0', labels: { app: 'app' } },
    process: { binary: '/usr/bin/git', args: 'push origin main', pid: 4242, execId: 'exec-1', uid: 1000 },
    push: {
      tool: 'git',
      destination: 'github.com',
      remote: 'https://github.com/example/repo.git',
      namedBy: 'argv',
      addresses: ['140.82.112.3:443'],
    },
    reads: {
      bytes: 80 * 1024 * 1024,
      files: 12,
      top: [{ path: '/data/dump.sql', bytes: 80 * 1024 * 1024 }],
      sensitive: [],
    },
    egressBytes: null,
    window: { start: t, end: t },
    evidence: [{ time: t, kind: 'push', binary: '/usr/bin/git', detail: 'git push origin main' }],
    mitre: MITRE,
    source: 'tetragon',
    degraded: false,
    suppressed: 0,
    response: ['Isolate the pod.'],
  };
}
