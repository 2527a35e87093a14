/**
 * The listen-clash check resolves a name as the daemon will bind it: in run's result order. `node
 * --dns-result-order=ipv4first … run` binds `localhost` to 127.0.0.1; its config child, started without that flag,
 * resolved it in the default order (::1 first where both exist) and passed a clash with 127.0.0.1 that then
 * failed at start with EADDRINUSE.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const orderLookup = fileURLToPath(new URL('../../fixtures/dns/order-lookup.mjs', import.meta.url));

function runConfig(order: 'ipv4first' | 'ipv6first'): string {
  const child = spawnSync(
    process.execPath,
    [
      `--dns-result-order=${order}`,
      '--import',
      'tsx',
      '-e',
      "import('./src/cli/run-config-isolated.ts').then((m) => { try { m.loadRunConfigIsolated({ falcoHttp: ['127.0.0.1:19557'], metricsAddr: 'localhost:19557', stdout: true }); console.log('ok'); } catch (err) { console.log(err.message); } })",
    ],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 40_000,
      killSignal: 'SIGKILL',
      env: { ...process.env, NODE_OPTIONS: `--import ${orderLookup}` },
    },
  );
  expect(child.stderr).toBe('');
  return child.stdout.trim();
}

describe("the listen-clash check in run's config child", () => {
  it("resolves a name in run's own --dns-result-order", () => {
    expect(runConfig('ipv4first')).toMatch(/19557/);
    expect(runConfig('ipv6first')).toBe('ok');
  }, 90_000);
});
