/**
 * The adversary emulation kit stays in step with the scenario library and stays valid: one shellcheck-clean
 * script per attack scenario announcing the alert the scenario expects, manifests that validate strictly
 * (like the chart's), a Job that runs every in-cluster script, and a git script that really pushes.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { configProblems, readConfigText } from '../../src/config/load.js';
import { loadScenarios } from '../../src/scenarios/index.js';
import { k8sProblems } from '../helpers/k8s-validate.js';

const kit = resolve(import.meta.dirname, '../../examples/emulation');
const scriptsDir = join(kit, 'scripts');
const scriptNames = readdirSync(scriptsDir)
  .filter((f) => f.endsWith('.sh') && f !== 'lib.sh')
  .map((f) => f.slice(0, -3))
  .sort();
const attacks = loadScenarios()
  .filter((s) => s.kind === 'attack')
  .sort((a, b) => a.name.localeCompare(b.name));
const scriptText = (name: string) => readFileSync(join(scriptsDir, `${name}.sh`), 'utf8');
const header = (name: string, key: string) => new RegExp(`^# ${key}: (.*)$`, 'm').exec(scriptText(name))?.[1];

type K8sObject = Record<string, unknown> & { kind: string; metadata: { name: string } };

function manifests(): K8sObject[] {
  const kustomization = parse(readFileSync(join(kit, 'kustomization.yaml'), 'utf8'))[0] as {
    resources: string[];
    configMapGenerator: Array<{
      name: string;
      namespace: string;
      files: string[];
      options: { labels: Record<string, string> };
    }>;
  };
  const objects = kustomization.resources.flatMap((r) => parse(readFileSync(join(kit, r), 'utf8')) as K8sObject[]);
  // What `kubectl apply -k` generates from configMapGenerator (disableNameSuffixHash: true).
  for (const gen of kustomization.configMapGenerator) {
    const data = Object.fromEntries(gen.files.map((f) => [f.split('/').pop()!, readFileSync(join(kit, f), 'utf8')]));
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: gen.name, namespace: gen.namespace, labels: gen.options.labels },
      data,
    } as K8sObject);
  }
  return objects;
}

function parse(text: string): unknown[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(d.errors.map((e) => e.message).join('; '));
      return d.toJS() as unknown;
    })
    .filter((d) => d !== null);
}

describe('emulation scripts', () => {
  it('there is exactly one script per attack scenario in the library, named after it', () => {
    expect(attacks.length).toBeGreaterThan(0);
    expect(scriptNames).toEqual(attacks.map((s) => s.name));
  });

  it('each script announces the alerts its scenario expects (rule and severity)', () => {
    for (const scenario of attacks) {
      // `# Expected alert: rule, severity S` (both sensors), or `… (with tetragon)` when only one raises it.
      const announced = [
        ...scriptText(scenario.name).matchAll(
          /^# Expected alert: (\S+), severity (\S+)(?: \(with (tetragon|falco)\))?$/gm,
        ),
      ]
        .map((m) => `${m[1]} ${m[2]}${m[3] ? ` ${m[3]}` : ''}`)
        .sort();
      const expected = (scenario.expect === 'none' ? [] : scenario.expect)
        .map((e) => `${e.rule} ${e.severity}${e.sensor ? ` ${e.sensor}` : ''}`)
        .sort();
      expect(announced, scenario.name).toEqual(expected);
      expect(header(scenario.name, 'Image'), `${scenario.name}: # Image:`).toBeTruthy();
      expect(scriptText(scenario.name), scenario.name).toMatch(/^#!\/bin\/sh\n/);
    }
  });

  it('pass shellcheck (POSIX sh, following lib.sh)', () => {
    const files = ['lib.sh', ...scriptNames.map((n) => `${n}.sh`)];
    const res = spawnSync(
      'shellcheck',
      ['--shell=sh', '--external-sources', '--source-path=SCRIPTDIR', '--format=gcc', ...files],
      {
        cwd: scriptsDir,
        encoding: 'utf8',
      },
    );
    // A missing shellcheck is a failure, not a skip: `npm test` installs it (scripts/ensure-test-tools.mjs).
    expect(res.error, 'shellcheck must be installed (Debian package shellcheck)').toBeUndefined();
    expect(res.stdout + res.stderr).toBe('');
    expect(res.status).toBe(0);
  });

  it('shellcheck does catch a bad script (the check is real)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-sc-'));
    try {
      const bad = join(dir, 'bad.sh');
      writeFileSync(bad, '#!/bin/sh\nrm -rf $1/*\n[[ -n "$x" ]]\n');
      const res = spawnSync('shellcheck', ['--shell=sh', bad], { encoding: 'utf8' });
      expect(res.status).not.toBe(0);
      expect(res.stdout).toMatch(/SC2086|SC3010/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('emulation manifests', () => {
  const objects = manifests();

  it('every object validates against the Kubernetes schema with no unknown fields', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(
      expect.arrayContaining([
        'ConfigMap',
        'Deployment',
        'Job',
        'Namespace',
        'NetworkPolicy',
        'Service',
        'ServiceAccount',
      ]),
    );
    for (const o of objects) expect(k8sProblems(o), `${o.kind}/${o.metadata.name}`).toEqual([]);
  });

  it('the strict check rejects a misspelled field', () => {
    const job = structuredClone(objects.find((o) => o.kind === 'Job')!) as unknown as {
      spec: { template: { spec: Record<string, unknown> } };
    };
    job.spec.template.spec.restartPolicyy = 'Never';
    expect(k8sProblems(job as unknown as K8sObject)).toContain('unknown field spec.template.spec.restartPolicyy');
  });

  it('everything lives in the emulation namespace, and the kustomization lists every manifest and script', () => {
    for (const o of objects) {
      const ns = o.kind === 'Namespace' ? o.metadata.name : (o.metadata as { namespace?: string }).namespace;
      expect(ns, `${o.kind}/${o.metadata.name}`).toBe('exfilwatch-emulation');
    }
    const kustomization = readFileSync(join(kit, 'kustomization.yaml'), 'utf8');
    for (const f of readdirSync(join(kit, 'k8s'))) expect(kustomization).toContain(`k8s/${f}`);
    for (const n of ['lib', ...scriptNames]) expect(kustomization).toContain(`scripts/${n}.sh`);
  });

  it('the Job runs each in-cluster script in its own container, with the image its header names', () => {
    const job = objects.find((o) => o.kind === 'Job') as unknown as {
      spec: {
        template: { spec: { initContainers: Container[]; containers: Container[]; serviceAccountName: string } };
      };
    };
    interface Container {
      name: string;
      image: string;
      command: string[];
    }
    const pod = job.spec.template.spec;
    const all = [...pod.initContainers, ...pod.containers];
    const runs = (c: Container) => /sh \/emulation\/([a-z0-9-]+)\.sh/.exec(c.command.join(' '))?.[1];
    for (const name of scriptNames) {
      const inJob = all.filter((c) => runs(c) === name);
      if (header(name, 'Job')?.startsWith('no')) {
        expect(inJob, `${name} is marked "Job: no"`).toEqual([]);
        continue;
      }
      expect(inJob.length, `${name} runs in the Job`).toBeGreaterThan(0);
      for (const c of inJob) expect(header(name, 'Image'), `${name}: image`).toContain(c.image);
    }
    expect(new Set(all.map((c) => c.name)).size).toBe(all.length);
    // The ServiceAccount the Job uses is the permissionless one of the kit.
    expect(objects.some((o) => o.kind === 'ServiceAccount' && o.metadata.name === pod.serviceAccountName)).toBe(true);
    expect(objects.some((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')).toBe(false);
  });

  it('the exfilwatch config fragment is valid config', () => {
    expect(configProblems(readConfigText(join(kit, 'exfilwatch-config.yaml')))).toEqual([]);
  });
});

describe('a git script against a local git daemon', () => {
  const dir = mkdtempSync(join(tmpdir(), 'emu-git-'));
  let daemon: ChildProcess | null = null;
  afterAll(() => {
    // `git daemon` runs git-daemon as its child: kill the whole group, or the server outlives the suite.
    try {
      if (daemon?.pid !== undefined) process.kill(-daemon.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('pushes a branch to the bare repository and says which alert to expect', async () => {
    const port = await new Promise<number>((done) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => done(p));
      });
    });
    expect(spawnSync('git', ['init', '-q', '--bare', join(dir, 'loot.git')]).status).toBe(0);
    daemon = spawn(
      'git',
      [
        'daemon',
        '--reuseaddr',
        '--export-all',
        '--enable=receive-pack',
        `--base-path=${dir}`,
        `--listen=127.0.0.1`,
        `--port=${port}`,
        dir,
      ],
      { stdio: 'ignore', detached: true },
    );
    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      EMU_GIT_URL: `git://127.0.0.1:${port}/loot.git`,
      EMU_WORKDIR: join(dir, 'work'),
      CONTAINER_NAME: 'test',
    };
    const res = spawnSync('sh', [join(scriptsDir, 'git-renamed-binary-no-reads.sh')], {
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(res.status, res.stderr).toBe(0);
    expect(res.stderr).toContain('expected alert: rule=renamed-binary-push severity=medium');
    const branches = spawnSync('git', ['--git-dir', join(dir, 'loot.git'), 'branch', '--list', 'emulation/*'], {
      encoding: 'utf8',
    });
    expect(branches.stdout).toMatch(/emulation\/git-renamed-binary-no-reads-\d+/);
  });

  it('refuses a target outside the cluster', () => {
    const res = spawnSync('sh', [join(scriptsDir, 'git-renamed-binary-no-reads.sh')], {
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        EMU_GIT_URL: 'https://github.com/someone/x.git',
        EMU_WORKDIR: join(dir, 'w2'),
      },
      encoding: 'utf8',
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("refusing target 'https://github.com/someone/x.git'");
  });
});
