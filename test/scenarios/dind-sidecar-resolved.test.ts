/**
 * benign-arc-buildx-dind-push with the daemon's view of addresses: the scan of the library has no DNS answers,
 * so the dind sidecar's upload (an address no command line named) is no push there and its allowlist entry goes
 * unchecked. Resolved with the scenario's own answers, as the live daemon classes them: the runner's `docker
 * buildx build --push` is `high` (its registry login) and the sidecar's dockerd a second push, `bulk-read-then-push`
 * after hashing the layers it built (docs/detection.md, "CI/CD controllers, checked"); both entries quiet them.
 * Found by review: the scenario's layer reads were all `.so` files, noise by name, so the daemon's upload was
 * `renamed-binary-push` with no reads and the scenario checked none of what it described.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { HostResolver } from '../../src/correlate/index.js';
import { formatByName } from '../../src/formats/index.js';
import type { NormalizedEvent } from '../../src/model/normalized-event.js';
import { generatedPaths, loadScenarioFile } from '../../src/scenarios/load.js';
import { brief, runResolved } from '../unit/correlate/builder.js';

const NAME = 'benign-arc-buildx-dind-push';
const scenario = loadScenarioFile(`examples/scenarios/${NAME}.yaml`);
const dns = (scenario.dns ?? {}) as Record<string, string>;
const resolveHost: HostResolver = async (host) => (dns[host] === undefined ? [] : [dns[host]]);
const entries = (scenario.config?.allowlist ?? []) as Array<Record<string, unknown>>;

function events(form: 'tetragon' | 'falco'): NormalizedEvent[] {
  const format = formatByName(form);
  if (format === undefined) throw new Error(`no format ${form}`);
  const path = generatedPaths('examples/scenarios', NAME)[form];
  const out: NormalizedEvent[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line === '') continue;
    const e = format.normalize(JSON.parse(line), { node: 'scan-node' });
    if (e !== null) out.push(e);
  }
  return out;
}

describe(`${NAME} with DNS answers`, () => {
  it.each(['tetragon', 'falco'] as const)(
    'the runner and the dind daemon are two pushes, both allowlisted (%s)',
    async (form) => {
      const seen = events(form);
      expect(brief((await runResolved(seen, { resolveHost })).alerts)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'docker', destination: 'ghcr.io' },
        { rule: 'bulk-read-then-push', severity: 'high', tool: 'dockerd', destination: 'ghcr.io' },
      ]);
      expect((await runResolved(seen, { resolveHost, allowlist: entries })).alerts).toEqual([]);
    },
  );
});
