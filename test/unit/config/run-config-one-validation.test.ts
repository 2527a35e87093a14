/**
 * `run`'s config is validated against the schema once (../../../src/cli/run-config.ts): the one check lists every
 * problem (the one-line error counts them as check-config does) and yields the config when there are none. Listing
 * the problems and then parsing built and ran the whole schema three times.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadRunConfig } from '../../../src/cli/run-config.js';
import { parseConfig } from '../../../src/config/load.js';
import { buildConfigSchema } from '../../../src/config/schema.js';
import { allConfigProblems } from '../../../src/config/validate.js';
import { configErrorOf } from '../../helpers/config-error.js';

vi.mock('../../../src/config/schema.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/config/schema.js')>();
  return { ...real, buildConfigSchema: vi.fn(real.buildConfigSchema) };
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'exfilwatch-cfg-once-'));
  vi.mocked(buildConfigSchema).mockClear();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (text: string) => {
  const p = join(dir, 'c.yaml');
  writeFileSync(p, text);
  return p;
};

describe("run's config: the schema validated once", () => {
  it('a good config: one validation, the same config parseConfig gives', () => {
    const file = write('logLevel: debug\nsinks:\n  stdout: {}\n');
    const config = loadRunConfig({ config: file }, {});
    expect(vi.mocked(buildConfigSchema)).toHaveBeenCalledTimes(1);
    expect(config).toEqual(parseConfig({ logLevel: 'debug', sinks: { stdout: {} } }));
    expect(config.logLevel).toBe('debug');
  });

  it('a bad one: one validation, its first problem and the count of every other check-config lists', () => {
    const cert = join(dir, 'missing.pem');
    const text = `logLevel: loud\nsources:\n  falcoGrpc:\n    - address: falco:5060\n      tls: { caFile: ${cert}, certFile: ${cert}, keyFile: ${cert} }\n`;
    const file = write(text);
    const err = configErrorOf(() => loadRunConfig({ config: file }, {}));
    expect(vi.mocked(buildConfigSchema)).toHaveBeenCalledTimes(1);
    vi.mocked(buildConfigSchema).mockClear();
    const all = allConfigProblems(
      JSON.parse(
        JSON.stringify({
          logLevel: 'loud',
          sources: { falcoGrpc: [{ address: 'falco:5060', tls: { caFile: cert, certFile: cert, keyFile: cert } }] },
        }),
      ),
    );
    expect(all.length).toBeGreaterThan(1);
    expect(err.keyPath).toBe(all[0]!.keyPath);
    expect(err.message).toContain(all[0]!.message);
    expect(err.message).toContain(
      `(and ${all.length - 1} more problem${all.length === 2 ? '' : 's'}: exfilwatch check-config ${file} lists them all)`,
    );
  });
});
