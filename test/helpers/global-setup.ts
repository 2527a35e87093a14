import { spawnSync } from 'node:child_process';

/** Runs once before the suite: the real tools must be there (`npm test` installs them first). */
export default function setup(): void {
  const missing = ['nats-server', 'promtool', 'protoc', 'shellcheck'].filter(
    (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status !== 0,
  );
  if (missing.length > 0) {
    throw new Error(
      `missing test tools: ${missing.join(', ')} — run "node scripts/ensure-test-tools.mjs" (or npm test)`,
    );
  }
}
