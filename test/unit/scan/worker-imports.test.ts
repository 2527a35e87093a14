/**
 * A scan line worker starts while the main thread already parses (src/scan/source.ts), so every module it
 * loads delays the first piece it takes. It reads JSON lines only: the gRPC side's generated protobuf code
 * and its runtime (~320 kB of source) must stay out of its import graph. esbuild resolves the graph
 * statically, as Node's loader will at run time.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

async function importGraph(entry: string): Promise<{ files: string[]; packages: string[] }> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    // Paths in the metafile are relative to this: the repository root, wherever the tests run from.
    absWorkingDir: fileURLToPath(new URL('../../../', import.meta.url)),
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    packages: 'external',
  });
  const inputs = result.metafile.inputs;
  const packages = new Set<string>();
  for (const input of Object.values(inputs)) {
    for (const i of input.imports) if (i.external) packages.add(i.path);
  }
  return { files: Object.keys(inputs), packages: [...packages] };
}

describe('scan line worker import graph', () => {
  it('loads the JSON normalizers and the hand-over codec, not the generated protobuf code', async () => {
    const { files, packages } = await importGraph('../../../src/scan/worker-thread.ts');
    expect(files).toContain('src/formats/tetragon/from-json.ts');
    expect(files).toContain('src/formats/falco/normalize.ts');
    expect(files).toContain('src/scan/codec-encode.ts');
    expect(files.filter((f) => f.startsWith('src/generated/'))).toEqual([]);
    expect(files.filter((f) => /from-proto|to-proto|from-wire/.test(f))).toEqual([]);
    expect(packages.filter((p) => p.startsWith('@bufbuild/'))).toEqual([]);
  });

  it('the barrel the gRPC side uses still brings the generated code (the check above can fail)', async () => {
    const { files, packages } = await importGraph('../../../src/formats/tetragon/index.ts');
    expect(files).toContain('src/generated/tetragon/tetragon.ts');
    expect(packages).toContain('@bufbuild/protobuf/wire');
  });
});
