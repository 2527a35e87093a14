/**
 * The Dockerfile cannot be built here (no daemon, no registry), so it is checked against what it must agree
 * with: package.json (build script, bin, engines, files), the chart (uid, ports, args) and basic hygiene.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/helm.js';
import { one, render } from './render.js';

// biome-ignore lint/suspicious/noExplicitAny: rendered objects are checked field by field below.
type Any = any;

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name: string | null;
  instructions: Instruction[];
}

/** Dockerfile → stages of instructions (comments dropped, `\` continuations joined). */
function parseDockerfile(text: string): Stage[] {
  const logical = text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const stages: Stage[] = [];
  for (const line of logical) {
    const m = /^(\w+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`unparseable Dockerfile line: ${line}`);
    const op = (m[1] as string).toUpperCase();
    const args = m[2] as string;
    if (op === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      stages.push({ from: f?.[1] as string, name: f?.[2] ?? null, instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`${op} before FROM`);
      stage.instructions.push({ op, args });
    }
  }
  return stages;
}

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const stages = parseDockerfile(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'));
const final = stages.at(-1) as Stage;
const all = (stage: Stage, op: string) => stage.instructions.filter((i) => i.op === op);
const last = (stage: Stage, op: string) => all(stage, op).at(-1);
const execForm = (args: string) => JSON.parse(args) as string[];

describe('Dockerfile', () => {
  it('is multi-stage: builds with the full toolchain, ships production dependencies only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const build = stages.find((s) => all(s, 'RUN').some((r) => /\bnpm run build\b/.test(r.args)));
    expect(build, 'a stage runs npm run build').toBeDefined();
    expect(pkg.scripts.build).toBeDefined();
    expect(all(build as Stage, 'RUN').some((r) => /\bnpm ci\b/.test(r.args))).toBe(true);
    // `prepare` builds: any npm ci that runs before the sources are there, or without dev deps, must skip it.
    expect(pkg.scripts.prepare).toBeDefined();
    for (const s of stages) {
      for (const r of all(s, 'RUN').filter((i) => /\bnpm ci\b/.test(i.args))) {
        expect(r.args, `${s.name}: ${r.args}`).toContain('--ignore-scripts');
      }
    }
    const prodDeps = stages.find((s) => all(s, 'RUN').some((r) => /npm ci\b.*--omit=dev/.test(r.args)));
    expect(prodDeps, 'a stage runs npm ci --omit=dev').toBeDefined();
    const copies = all(final, 'COPY').map((c) => c.args);
    expect(copies).toContain(`--from=${prodDeps?.name} /src/node_modules ./node_modules`);
    expect(copies).toContain(`--from=${build?.name} /src/dist ./dist`);
    expect(all(final, 'RUN'), 'the final stage runs nothing (distroless has no shell)').toEqual([]);
  });

  it('uses the Node major the package declares, in a slim or distroless image', () => {
    const engines = pkg.engines.node as string;
    for (const s of stages.filter((st) => /node/.test(st.from))) {
      const major = /(?:node:|nodejs)(\d+)/.exec(s.from)?.[1];
      expect(major, s.from).toBeDefined();
      expect(engines, `engines.node must allow Node ${major}`).toMatch(new RegExp(`>=${major}\\.`));
    }
    expect(final.from).toMatch(/^gcr\.io\/distroless\/nodejs20-debian12:nonroot$|^node:20[\w.-]*-slim$/);
    for (const s of stages) expect(s.from, 'pinned tag, not latest').not.toMatch(/:latest$|^[^:@]+$/);
  });

  it('runs the bin target through a PID 1 that forwards signals, as a numeric non-root user', () => {
    const entry = execForm(last(final, 'ENTRYPOINT')?.args ?? 'null');
    expect(Array.isArray(entry), 'exec-form ENTRYPOINT').toBe(true);
    expect(entry.slice(0, 2)).toEqual(['/usr/bin/tini', '--']);
    expect(entry[2]).toMatch(/\/node$/);
    expect(entry[3]).toBe(pkg.bin.exfilwatch);
    expect(all(final, 'COPY').some((c) => c.args.endsWith(' /usr/bin/tini'))).toBe(true);
    const user = last(final, 'USER')?.args ?? '';
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user.split(':')[0])).toBeGreaterThan(0);
    const cmd = execForm(last(final, 'CMD')?.args ?? 'null');
    expect(cmd).toEqual(['run', '--config', '/etc/exfilwatch/config.yaml']);
  });

  it('agrees with the chart: uid, ports, command line', () => {
    const spec = (one(render(['--set', 'falco.enabled=true']), 'DaemonSet') as Any).spec.template.spec;
    const c = spec.containers[0];
    expect(last(final, 'USER')?.args).toBe(`${spec.securityContext.runAsUser}:${spec.securityContext.runAsGroup}`);
    expect(c.args).toEqual(execForm(last(final, 'CMD')?.args ?? '[]'));
    const exposed = (last(final, 'EXPOSE')?.args ?? '').split(/\s+/).map(Number);
    for (const p of c.ports) expect(exposed).toContain(p.containerPort);
    // The chart's spool-permission init container runs node by its path in this image.
    const init = (one(render(['--set', 'nats.spool.hostPath.enabled=true']), 'DaemonSet') as Any).spec.template.spec
      .initContainers[0];
    expect(init.command[0]).toBe(execForm(last(final, 'ENTRYPOINT')?.args ?? '[]')[2]);
  });

  it('caps the V8 heap as the chart does, below the chart memory limit', () => {
    const env = all(final, 'ENV')
      .map((e) => /^NODE_OPTIONS="([^"]*)"$/.exec(e.args)?.[1])
      .find((v) => v !== undefined);
    expect(env).toMatch(/--max-old-space-size=\d+/);
    const c = (one(render(), 'DaemonSet') as Any).spec.template.spec.containers[0];
    expect(c.env).toContainEqual({ name: 'NODE_OPTIONS', value: env });
    const flag = (name: string) => Number(new RegExp(`--${name}=(\\d+)`).exec(env ?? '')?.[1] ?? Number.NaN);
    const limitMi = Number(/^(\d+)Mi$/.exec(c.resources.limits.memory)?.[1]);
    // Old generation + 3 semi-spaces (young generation) + ~70 MB of code and native memory must fit.
    expect(flag('max-old-space-size') + 3 * flag('max-semi-space-size') + 70).toBeLessThanOrEqual(limitMi);
  });

  it('ships what package.json publishes and never fetches URLs with ADD', () => {
    const copied = all(final, 'COPY').map((c) => c.args.split(/\s+/).at(-1)?.replace(/^\.\//, '').replace(/\/$/, ''));
    for (const f of pkg.files as string[]) expect(copied, `package.json files: ${f}`).toContain(f);
    for (const s of stages) expect(all(s, 'ADD'), 'ADD (use COPY; never remote URLs)').toEqual([]);
  });

  it('.dockerignore keeps local state and secrets out of the build context but not the sources', () => {
    const ignore = readFileSync(join(repoRoot, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    for (const p of ['.git', 'node_modules', 'dist', '.env']) expect(ignore).toContain(p);
    for (const needed of ['src', 'proto', 'package.json', 'package-lock.json', 'sensor-config']) {
      expect(ignore, needed).not.toContain(needed);
    }
  });
});
