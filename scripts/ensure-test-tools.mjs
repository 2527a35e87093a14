#!/usr/bin/env node
// The suite runs against real parts: Debian's nats-server, promtool, protoc, shellcheck and curl (a real
// libcurl client, as Falco's http_output is). Find them, or
// install them (we run as root in CI and dev sandboxes), or fail with the exact install hint. Never skip.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const tools = [
  { bin: 'nats-server', pkg: 'nats-server' },
  { bin: 'promtool', pkg: 'prometheus' },
  { bin: 'protoc', pkg: 'protobuf-compiler' },
  // protoc resolves google/protobuf/*.proto (Timestamp, wrappers) from libprotobuf-dev's /usr/include
  { bin: 'protoc', pkg: 'libprotobuf-dev', file: '/usr/include/google/protobuf/timestamp.proto' },
  { bin: 'shellcheck', pkg: 'shellcheck' },
  { bin: 'curl', pkg: 'curl' },
];

const hasBin = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
const has = (t) => hasBin(t.bin) && (!t.file || existsSync(t.file));
const missing = tools.filter((t) => !has(t));
if (missing.length > 0) {
  const pkgs = [...new Set(missing.map((t) => t.pkg))];
  const hint = `apt-get update && apt-get install -y ${pkgs.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && hasBin('apt-get')) {
    console.error(`[ensure-test-tools] installing ${pkgs.join(', ')} …`);
    try {
      execFileSync(
        'sh',
        ['-c', `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${pkgs.join(' ')}`],
        {
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      );
    } catch {
      // fall through to the check below, which names what is still missing
    }
  }
  const still = tools.filter((t) => !has(t));
  if (still.length > 0) {
    console.error(
      `[ensure-test-tools] missing: ${still.map((t) => t.file ?? t.bin).join(', ')}. The suite tests against these real tools.\n` +
        `Install them with:  ${hint}`,
    );
    process.exit(1);
  }
}
