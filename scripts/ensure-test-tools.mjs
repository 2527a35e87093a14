#!/usr/bin/env node
// The suite runs against real parts: Debian's nats-server, promtool, protoc and shellcheck. Find them, or
// install them (we run as root in CI and dev sandboxes), or fail with the exact install hint. Never skip.
import { execFileSync, spawnSync } from 'node:child_process';

const tools = [
  { bin: 'nats-server', pkg: 'nats-server' },
  { bin: 'promtool', pkg: 'prometheus' },
  { bin: 'protoc', pkg: 'protobuf-compiler' },
  { bin: 'shellcheck', pkg: 'shellcheck' },
];

const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
const missing = tools.filter((t) => !has(t.bin));
if (missing.length > 0) {
  const pkgs = [...new Set(missing.map((t) => t.pkg))];
  const hint = `apt-get update && apt-get install -y ${pkgs.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && has('apt-get')) {
    console.error(`[ensure-test-tools] installing ${pkgs.join(', ')} …`);
    try {
      execFileSync('sh', ['-c', `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${pkgs.join(' ')}`], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    } catch {
      // fall through to the check below, which names what is still missing
    }
  }
  const still = tools.filter((t) => !has(t.bin));
  if (still.length > 0) {
    console.error(
      `[ensure-test-tools] missing: ${still.map((t) => t.bin).join(', ')}. The suite tests against these real tools.\n` +
        `Install them with:  ${hint}`,
    );
    process.exit(1);
  }
}
