/**
 * The in-cluster git pushers of the library (Kargo, Tekton's git-cli task, a mirror CronJob, a docs site's
 * gh-pages push, Backstage's scaffolder) with the daemon's view of addresses: the scenarios' own DNS answers,
 * as the live daemon resolves the configured hosts. The library's scan (no DNS) checks them with their entries;
 * this checks what each raises without its entry, which the scenarios' descriptions and docs/detection.md
 * ("CI/CD controllers, checked") state, that the entry quiets it here too and leaves the same job pushing to
 * another owner loud, and Backstage's in-process push, which only DNS answers class (and which the entry
 * detection.md gives quiets).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { HostResolver } from '../../src/correlate/index.js';
import { formatByName } from '../../src/formats/index.js';
import type { NormalizedEvent } from '../../src/model/normalized-event.js';
import { generatedPaths, loadScenarioFile } from '../../src/scenarios/load.js';
import { brief, runResolved } from '../unit/correlate/builder.js';

function load(name: string) {
  const scenario = loadScenarioFile(`examples/scenarios/${name}.yaml`);
  const dns = (scenario.dns ?? {}) as Record<string, string>;
  const resolveHost: HostResolver = async (host) => (dns[host] === undefined ? [] : [dns[host]]);
  const entries = (scenario.config?.allowlist ?? []) as Array<Record<string, unknown>>;
  /** The scenario's events; `retarget` rewrites each raw line first (the same job pushing elsewhere). */
  const events = (form: 'tetragon' | 'falco', retarget: (line: string) => string = (l) => l): NormalizedEvent[] => {
    const format = formatByName(form);
    if (format === undefined) throw new Error(`no format ${form}`);
    const out: NormalizedEvent[] = [];
    for (const raw of readFileSync(generatedPaths('examples/scenarios', name)[form], 'utf8').split('\n')) {
      if (raw === '') continue;
      const line = retarget(raw);
      const e = format.normalize(JSON.parse(line), { node: 'scan-node' });
      if (e !== null) out.push(e);
    }
    return out;
  };
  return { resolveHost, entries, events };
}

const git = (rule: string, severity: string) => ({ rule, severity, tool: 'git', destination: 'github.com' });

describe.each([
  ['benign-kargo-promotion-allowlisted', git('sensitive-read-then-push', 'high')],
  ['benign-tekton-git-cli-version-bump-allowlisted', git('sensitive-read-then-push', 'high')],
  ['benign-git-mirror-cronjob-allowlisted', git('sensitive-read-then-push', 'high')],
  ['benign-docs-gh-pages-force-push-allowlisted', git('bulk-read-then-push', 'critical')],
])('%s with DNS answers', (name, without) => {
  const { resolveHost, entries, events } = load(name);
  it.each(['tetragon', 'falco'] as const)('alerts without its entry, nothing with it (%s)', async (form) => {
    const seen = events(form);
    expect(entries.length).toBeGreaterThan(0);
    expect(brief((await runResolved(seen, { resolveHost })).alerts)).toEqual([without]);
    expect((await runResolved(seen, { resolveHost, allowlist: entries })).alerts).toEqual([]);
  });
  // The entry exempts that job's repositories only: the same job's push to another owner on the same host (what
  // the Kargo and docs twins do; Tekton's and the mirror's have no twin scenario) is judged as without it.
  it.each(['tetragon', 'falco'] as const)(
    'pushing to another owner under its entry alerts as without it (%s)',
    async (form) => {
      const elsewhere = events(form, (line) => line.replaceAll('github.com/acme/', 'github.com/acme-drop/'));
      const { alerts } = await runResolved(elsewhere, { resolveHost, allowlist: entries });
      expect(brief(alerts)).toEqual([without]);
      expect(alerts[0]?.push?.remote).toContain('github.com/acme-drop/');
    },
  );
});

describe('benign-backstage-scaffolder-publish with DNS answers', () => {
  const { resolveHost, events } = load('benign-backstage-scaffolder-publish');
  it.each(['tetragon', 'falco'] as const)(
    "the catalog's polling of api.github.com adds up to a push by egress of node, low; the scaffolder's push to github.com (160 KiB) is none by itself (%s)",
    async (form) => {
      const { alerts } = await runResolved(events(form), { resolveHost });
      expect(brief(alerts)).toEqual([
        { rule: 'push-without-reads', severity: 'low', tool: 'node', destination: 'api.github.com' },
      ]);
      // node's module loads (88 MiB) and the template's files are not what it was judged on.
      expect(alerts[0]?.reads.bytes).toBeLessThan(1024 * 1024);
    },
  );
  // docs/detection.md's entry for it, which the scenario does not carry (it is benign without one).
  const documented = {
    namespace: 'backstage',
    image: 'ghcr.io/acme/backstage:*',
    binary: '/usr/local/bin/node',
    destination: 'api.github.com',
    reason: 'the catalog polls GitHub',
  };
  it.each(['tetragon', 'falco'] as const)('the entry docs/detection.md gives quiets it (%s)', async (form) => {
    expect((await runResolved(events(form), { resolveHost, allowlist: [documented] })).alerts).toEqual([]);
  });
});
