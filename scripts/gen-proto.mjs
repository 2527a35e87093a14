#!/usr/bin/env node
// Regenerates src/generated/ from proto/ with Debian's protoc and ts-proto. CI checks the result has no diff
// (test/unit/generated-code.test.ts), so the committed code always matches the committed .proto files.
//   node scripts/gen-proto.mjs            regenerate in place
//   node scripts/gen-proto.mjs --out DIR  generate into DIR (used by the no-diff check)
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outIdx = process.argv.indexOf('--out');
const out = outIdx > 0 ? resolve(process.argv[outIdx + 1]) : join(root, 'src/generated');
const protoRoot = join(root, 'proto');

function listProtos(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return listProtos(p);
    return name.endsWith('.proto') ? [relative(protoRoot, p)] : [];
  });
}

const protos = listProtos(protoRoot).sort();
if (protos.length === 0) {
  console.error('no .proto files under proto/');
  process.exit(1);
}
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const plugin = join(root, 'node_modules/.bin/protoc-gen-ts_proto');
const opts = [
  'outputServices=grpc-js',
  'env=node',
  'oneof=unions-value',
  'forceLong=bigint',
  'useDate=false',
  'esModuleInterop=true',
  'importSuffix=.js',
  'useExactTypes=false',
  'outputPartialMethods=false',
].join(',');
execFileSync(
  'protoc',
  [
    `--plugin=protoc-gen-ts_proto=${plugin}`,
    `--ts_proto_out=${out}`,
    `--ts_proto_opt=${opts}`,
    `-I${protoRoot}`,
    ...protos,
  ],
  { stdio: 'inherit' },
);
console.error(`generated ${protos.length} proto file(s) into ${relative(root, out) || out}`);
