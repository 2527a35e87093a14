/** The alert exactly as INTERFACES.md promises it: one JSON object per line on stdout, the NATS payload. */

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export interface AlertEvidence {
  time: string;
  /** e.g. `exec`, `read`, `sensitive-read`, `archive`, `connect`, `send`, `push`, `bridge-egress`. */
  kind: string;
  binary: string | null;
  /** Redacted, human-readable. */
  detail: string;
}

export interface Alert {
  id: string;
  time: string;
  rule: string;
  severity: Severity;
  summary: string;
  node: string;
  container: { id: string; name: string | null; image: string | null };
  pod: { namespace: string; name: string; labels: Record<string, string> } | null;
  /** `uid`: the pushing process's uid as the sensor reports it (Tetragon `process.uid`, Falco `user.uid`); null when it gave none. */
  process: {
    binary: string | null;
    args: string | null;
    pid: number | null;
    execId: string | null;
    uid: number | null;
  };
  push: {
    tool: string;
    destination: string | null;
    remote: string | null;
    /**
     * How `destination`'s host name was learned: `argv` (the push's command line, or for a push by egress
     * its process's or parent's), `default` (the push tool's usual registry: argv names none), `dns`
     * (exfilwatch's own answers for the configured hosts), `hint` (an earlier push's command line that
     * connected to the same address); null when it is an address.
     */
    namedBy: 'argv' | 'default' | 'dns' | 'hint' | null;
    /**
     * The `ip:port`s the push's processes connected or sent to, first seen first (at most 4; not the
     * resolver's, nor a docker daemon's bridged upload, which the evidence shows).
     */
    addresses: string[];
  };
  reads: { bytes: number; files: number; top: Array<{ path: string; bytes: number }>; sensitive: string[] };
  egressBytes: number | null;
  window: { start: string; end: string };
  evidence: AlertEvidence[];
  mitre: { technique: 'T1567.001'; tactic: 'exfiltration' };
  source: 'tetragon' | 'falco';
  degraded: boolean;
  suppressed: number;
  response: string[];
}

export const MITRE = { technique: 'T1567.001', tactic: 'exfiltration' } as const;
