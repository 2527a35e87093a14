/**
 * Staging into `node_modules/` or `dist/` by a program that writes a file it names (../../../src/correlate/
 * product-writers.ts): run from a CI step's script file, each is an exec of its own with its target in argv
 * (found by a red-team review of the release-tool exemptions: none marked the container, so node's or goreleaser's
 * later reads of the data were not counted). A window later, those reads count again.
 */
import { describe, expect, it } from 'vitest';
import { brief, MiB, type Proc, runResolved, type Scenario } from './builder.js';
import { runnerPod, tagPush } from './runner-job.js';

const WORK = '/home/runner/_work/app/app';
const NODE = '/home/runner/_work/_tool/node/20.18.1/x64/bin/node';
const WINDOW_AND_MORE_MS = 31 * 60_000;

const rules = async (s: Scenario) => brief((await runResolved(s.events)).alerts).map((a) => `${a.rule} ${a.severity}`);

/** A step's script file runs `binary args` (reading the dump), then, a window later, node reads `loaded`. */
function stagedThenLoaded(binary: string, args: string, loaded: string) {
  const { s, c, worker } = runnerPod('app');
  const sh = s.exec(c, '/usr/bin/bash', '--noprofile --norc -e -o pipefail /home/runner/_work/_temp/9a2e.sh', {
    parent: worker,
    cwd: WORK,
  });
  const writer: Proc = s.exec(c, binary, args, { parent: sh, cwd: WORK });
  for (let i = 0; i < 40; i++) s.read(writer, '/srv/exports/users.json', 2 * MiB, { op: 'read' });
  s.exit(writer).exit(sh).wait(WINDOW_AND_MORE_MS);
  const node = s.exec(c, NODE, `${WORK}/node_modules/.bin/semantic-release`, { parent: worker, cwd: WORK });
  for (let i = 0; i < 40; i++) s.read(node, loaded, 2 * MiB, { op: 'read' });
  tagPush(s, c, node, 'app', 'v2.3.0');
  s.wait(500).exit(node);
  return s;
}

describe('a program writing a file it names into node_modules is staging', () => {
  it.each([
    ['/usr/bin/sort', '-o node_modules/x/db.json /srv/exports/users.json', 'node_modules/x/db.json'],
    ['/usr/bin/sort', '--output=node_modules/x/db.json /srv/exports/users.json', 'node_modules/x/db.json'],
    ['/usr/bin/openssl', 'enc -a -in /srv/exports/users.json -out node_modules/x/db.js', 'node_modules/x/db.js'],
    [
      '/usr/bin/gpg',
      '--batch -c --passphrase x -o node_modules/x/db.json /srv/exports/users.json',
      'node_modules/x/db.json',
    ],
    ['/usr/bin/zstd', '-q /srv/exports/users.json -o node_modules/x/db.node', 'node_modules/x/db.node'],
    ['/usr/bin/curl', '-s file:///srv/exports/users.json -o node_modules/x/db.json', 'node_modules/x/db.json'],
    ['/usr/bin/split', '-b 10M /srv/exports/users.json node_modules/x/part-', 'node_modules/x/part-aa.json'],
    ['/usr/bin/cpio', '-pdm node_modules/x', 'node_modules/x/srv/exports/users.json'],
    ['/usr/bin/7z', 'x /tmp/loot.7z -onode_modules/x', 'node_modules/x/users.json'],
    ['/usr/bin/git', 'clone -q /tmp/loot node_modules/x', 'node_modules/x/users.json'],
    ['/bin/busybox', 'cpio -p node_modules/x', 'node_modules/x/srv/exports/users.json'],
  ])('%s %s, a window before: node reading it counts', async (binary, args, loaded) => {
    expect(await rules(stagedThenLoaded(binary, args, `${WORK}/${loaded}`))).toEqual(['bulk-read-then-push high']);
  });

  it.each([
    // A download writes what the server sent (a postinstall fetching a prebuilt binary), no data of the machine's.
    ['/usr/bin/curl', '-sSL https://github.com/acme/x/releases/download/v1/x.tgz -o node_modules/x/x.tgz'],
    ['/usr/bin/sort', '-o /tmp/sorted.txt /srv/exports/users.json'],
    ['/usr/bin/git', 'clone -q https://github.com/acme/app.git /tmp/app'],
    // A program named as an object's property is no writer (the table is a Map).
    ['/tmp/bin/constructor', '-o node_modules/x/db.json'],
    ['/usr/bin/__proto__', '-o node_modules/x/db.json'],
  ])('%s %s is no staging', async (binary, args) => {
    const s = stagedThenLoaded(binary, args, `${WORK}/node_modules/x/index.js`);
    expect(await rules(s)).toEqual(['push-without-reads low']);
  });
});
