/**
 * The listen-clash lookup gives a name 2 s (lookupWithin): a getaddrinfo still waiting then cannot be cancelled
 * and keeps its process from exiting, so check-config, and run's config child (which run waits for), must end
 * once they have answered, not when the resolver gives up.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const hungLookup = fileURLToPath(new URL('../../fixtures/dns/hung-lookup.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-slow-resolver-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Every node process started, the lookup's own too, gets the lookup that never answers.
const hungLookupEnv = { ...process.env, NODE_OPTIONS: `--import ${hungLookup}`, HUNG_LOOKUP_DIR: dir };

// The name is looked up only where another listener has its port (fe72e8f): metrics on 127.0.0.2 beside it, which
// does not clash while the name stays unresolved. Alone, the name was never looked up and both cases passed with
// the lookup never cut.
const SHARED_PORT_METRICS = '127.0.0.2:19555';

// Far below the test's 40 s, far above the 2 s wait and a loaded box's start-up.
const ENDS_WITHIN_MS = 30_000;

describe('a resolver that does not answer', () => {
  it('check-config answers ok and exits, not when the lookup it stopped waiting for ends', () => {
    const file = join(dir, 'config.yaml');
    writeFileSync(
      file,
      `metrics:\n  listen: ${SHARED_PORT_METRICS}\nsources:\n  falcoHttp:\n    - listen: never-answers.example:19555\n`,
    );
    const started = Date.now();
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'check-config', file], {
      cwd: root,
      encoding: 'utf8',
      timeout: 40_000,
      killSignal: 'SIGKILL',
      env: hungLookupEnv,
    });
    expect(child.stdout).toBe('ok\n');
    expect(child.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(ENDS_WITHIN_MS);
  }, 60_000);

  it("run's config child answers and exits, so run starts", () => {
    const started = Date.now();
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('./src/cli/run-config-isolated.ts').then((m) => console.log(JSON.stringify(m.loadRunConfigIsolated({ falcoHttp: ['never-answers.example:19555'], metricsAddr: '${SHARED_PORT_METRICS}', stdout: true }).sources.falcoHttp)))`,
      ],
      { cwd: root, encoding: 'utf8', timeout: 40_000, killSignal: 'SIGKILL', env: hungLookupEnv },
    );
    expect(child.stderr).toBe('');
    expect(child.stdout).toContain('never-answers.example:19555');
    expect(Date.now() - started).toBeLessThan(ENDS_WITHIN_MS);
  }, 60_000);
});
