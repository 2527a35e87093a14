/**
 * scan's summary counts distinct containers from `newContainer`, which sees only events naming a container
 * the line workers had not handed on before (src/scan/source.ts): the ids it sees are every id of the events
 * handed on, as a Set over all of them gave, whatever the threads, pieces and files (several files, the same
 * one twice, Tetragon and Falco lines mixed, one container under several contexts: pods and names that
 * change, runtime prefixes, ids of 12 characters and shorter).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createScanSource } from '../../src/scan/source.js';
import { defaultScenarioDir, generatedPaths } from '../../src/scenarios/index.js';
import { silentLogger } from '../../src/telemetry/logger.js';

const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-scan-count-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);
const scenario = (name: string) => generatedPaths(defaultScenarioDir(), name);

/** Tetragon lines whose containers change pod, name and id form from line to line. */
function contexts(tetragon: string[]): string[] {
  return tetragon.map((line, i) => {
    const o = JSON.parse(line) as Record<string, { process?: { pod?: Record<string, unknown> } }>;
    const pod = Object.values(o)[0]?.process?.pod;
    const c = pod?.container as { id: string; name: string } | undefined;
    if (pod === undefined || c === undefined) return line;
    const bare = c.id.split('://').at(-1)!;
    if (i % 3 === 1) pod.name = `other-${pod.name as string}`;
    if (i % 5 === 2) c.name = 'renamed';
    if (i % 7 === 0) c.id = `containerd://short${i % 4}`;
    else if (i % 11 === 0) c.id = `docker://${bare}`;
    else if (i % 13 === 0) c.id = bare.slice(0, 12);
    return JSON.stringify(o);
  });
}

describe('scan counts distinct containers', () => {
  const tetragon = [...lines(scenario('git-push-https-bulk-read').tetragon), ...lines(scenario('background').tetragon)];
  const falco = [...lines(scenario('oras-push-secrets').falco), ...lines(scenario('background').falco)];
  const mixed = join(dir, 'mixed.jsonl');
  const changing = join(dir, 'contexts.jsonl');
  const falcoOnly = join(dir, 'falco.jsonl');
  writeFileSync(mixed, `${tetragon.flatMap((l, i) => (falco[i] ? [l, falco[i]] : [l])).join('\n')}\n`);
  writeFileSync(changing, `${contexts(tetragon).join('\n')}\n`);
  writeFileSync(falcoOnly, `${falco.join('\n')}\n`);

  it('the ids newContainer sees are those of every event handed on', async () => {
    const paths = [changing, mixed, falcoOnly, changing];
    for (const threads of [0, 1, 2]) {
      const named = new Set<string>();
      const all = new Set<string>();
      let events = 0;
      const source = createScanSource(
        {
          paths,
          format: 'auto',
          threads,
          chunkBytes: 4_096,
          awaitWorkers: true,
          newContainer(e) {
            if (e.kind !== 'gap' && e.container) named.add(e.container.id);
          },
        },
        { logger: silentLogger(), node: 'test-node' },
      );
      await source.run(
        {
          offer(e) {
            events++;
            if (e.kind !== 'gap' && e.container) all.add(e.container.id);
            return true;
          },
          decodeError() {},
          ignored() {},
          connection() {},
          waitForRoom: () => Promise.resolve(),
        },
        new AbortController().signal,
      );
      expect(events, `threads ${threads}`).toBeGreaterThan(1_000);
      expect(all.size).toBeGreaterThan(10);
      expect([...named].sort(), `threads ${threads}`).toEqual([...all].sort());
    }
  });
});
