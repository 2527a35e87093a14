/**
 * Caches a command line names elsewhere (`pip --cache-dir`, `yarn --cache-folder`, `npm --cache`, a GOPATH in the
 * project) are not taken from the command line (an attacker names any directory there: `pip install --cache-dir
 * /srv/data .` would make its reads of /srv/data the install's), but known by the layout the tool writes in them
 * (src/correlate/download-reads.ts). The usual CI forms (GitLab's templates, actions' caches) leave a job's tag
 * push low; a directory named as a cache that has no cache's layout counts.
 */
import { describe, expect, it } from 'vitest';
import { brief, MiB, run, type Scenario } from './builder.js';
import { runnerPod, tagPush } from './runner-job.js';

const WORK = '/builds/acme/app';
const SHA = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** 150 files of 2 MiB (300 MiB: critical past 256 MiB) read by an install, then the job's tag push. */
function installThenTag(binary: string, args: string, fileOf: (i: number) => string): Scenario {
  const { s, c, worker } = runnerPod('app');
  const p = s.exec(c, binary, args, { parent: worker, cwd: WORK });
  for (let i = 0; i < 150; i++) s.read(p, fileOf(i), 2 * MiB).wait(10);
  s.wait(1_000).exit(p);
  tagPush(s, c, worker, 'app', 'v2.0.0');
  return s;
}

const hex = (i: number, n: number) => (SHA.slice(0, n - 4) + i.toString(16).padStart(4, '0')).slice(0, n);
const rules = (s: Scenario) => brief(run(s.events).alerts).map((a) => `${a.rule} ${a.severity}`);

describe('caches named on the command line', () => {
  it.each<[string, string, (i: number) => string]>([
    [
      '/usr/local/bin/yarn',
      'install --frozen-lockfile --cache-folder .yarn-cache',
      (i) => `${WORK}/.yarn-cache/v6/npm-pkg${i}-1.0.${i}-${hex(i, 40)}-integrity/node_modules/pkg${i}/index.js`,
    ],
    [
      '/usr/bin/python3',
      '-m pip install --cache-dir .pip-cache -r requirements.txt',
      (i) => `${WORK}/.pip-cache/http-v2/${[...hex(i, 56).slice(-5)].join('/')}/${hex(i, 56)}.body`,
    ],
    [
      '/usr/bin/python3',
      '-m pip install --cache-dir=/cache/pip -r requirements.txt',
      (i) => `/cache/pip/wheels/${hex(i, 56).slice(-6, -4)}/aa/bb/${hex(i, 50)}/pkg${i}-1.0-py3-none-any.whl`,
    ],
    [
      '/usr/local/bin/node',
      '/usr/local/lib/node_modules/npm/bin/npm-cli.js ci --cache .npm --prefer-offline',
      (i) => `${WORK}/.npm/_cacache/content-v2/sha512/${hex(i, 2)}/${hex(i, 40)}`,
    ],
    [
      '/usr/local/go/bin/go',
      'mod download',
      (i) => `${WORK}/.go/pkg/mod/cache/download/github.com/acme/m${i}/@v/v1.0.0.zip`,
    ],
  ])('%s %s: the cache reads are the install', (binary, args, fileOf) => {
    expect(rules(installThenTag(binary, args, fileOf))).toEqual(['push-without-reads low']);
  });

  it('pip install --cache-dir /srv/data: a directory named as the cache is not one, its reads count', () => {
    const s = installThenTag(
      '/usr/bin/python3',
      '-m pip install --cache-dir /srv/data .',
      (i) => `/srv/data/part${i}.sql`,
    );
    expect(rules(s)).toEqual(['bulk-read-then-push critical']);
  });
});
