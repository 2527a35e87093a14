/**
 * The pod side of a copy out of a pod is any tar the runtime starts that creates an archive on stdout, however its
 * options are written (`kubectl exec POD -- tar -C /var/lib -czf - postgresql > loot.tgz` as much as kubectl cp's
 * `tar cf - PATH`). Found moving the matcher onto the one tar reader (src/rules/tar-command.ts): its own reader
 * took a bundle only as the first word and `-f` only apart from its value, so these lines were no push and a data
 * directory streamed out that way raised nothing; lines tar reads otherwise were one.
 */
import { describe, expect, it } from 'vitest';
import { correlatorConfigSchema } from '../../../src/correlate/config.js';
import { DestinationClassifier } from '../../../src/correlate/destinations.js';
import { recognizeProcess } from '../../../src/rules/index.js';
import { brief, MiB, run, Scenario } from './builder.js';

const classifier = new DestinationClassifier(correlatorConfigSchema.parse({}).destinations, 100);
const podSide = (args: string, binary = '/bin/tar') => {
  const r = recognizeProcess({ binary, args, parentBinary: '/usr/bin/runc', parentArgs: null }, (h, p) =>
    classifier.isUploadTarget(h, p),
  );
  return r?.kind === 'push' ? r.tool : r;
};

describe("a tar the runtime starts, writing an archive to stdout, whatever the options' order", () => {
  const pushes = [
    'cf - /srv/data',
    '-v -czf - /srv/data',
    '-C /var/lib -czf - postgresql',
    '-cf- /srv/data',
    '-c -f- /srv/data',
    'cfv - /srv/data',
    '--create --file - /srv/data',
    '-c --file=/tmp/a.tar -f - /srv/data',
    // No archive named: tar's default, stdout (busybox; GNU tar as distributions build it, `--show-defaults`: -f-).
    '-c /srv/data',
    '-czv /srv/data',
    'cz /srv/data',
    // Stdout by its device.
    '-czf /dev/stdout /srv/data',
    '--create --file=/proc/self/fd/1 /srv/data',
  ];
  it.each(pushes)('tar %s is the pod side of a copy out', (args) => expect(podSide(args)).toBe('kubectl'));

  it('also as busybox runs it', () => expect(podSide('tar -C /srv -cf - data', '/bin/busybox')).toBe('kubectl'));

  const quiet = [
    // An archive file, not stdout: the last -f counts.
    'czf /backup/x.tgz /srv/data',
    '-cf - -f /backup/x.tar /srv/data',
    // `-f` takes the next word, whatever it looks like: the archive is a file named `--file=-`.
    '-cf --file=- /srv/data',
    // `-C` takes the rest of its bundle: `cf` is a directory, and no operation is given.
    '-Ccf - /srv/data',
    // Extraction, listing, or appending (no archive named: stdin/stdout, which tar cannot append to).
    '-xf - -C /srv',
    '-tf -',
    '-x /srv/data',
    '-r /srv/data',
    '-czf /dev/stderr /srv/data',
  ];
  it.each(quiet)('tar %s is none', (args) => expect(podSide(args)).toBeNull());

  it('a data directory streamed out with the options after -C is bulk-read-then-push, as kubectl', () => {
    const s = new Scenario({ source: 'tetragon' });
    const c = s.container({ namespace: 'shop', pod: 'orders-db-0', name: 'postgres' });
    s.init(c);
    const tar = s.exec(c, '/bin/tar', '-C /var/lib -czf - postgresql', {
      parentBinary: '/usr/bin/runc',
      parentArgs: 'init',
    });
    s.readMany(tar, '/var/lib/postgresql/data', 30, 3 * MiB, 10);
    s.wait(200).exit(tar);
    const { alerts } = run(s.events);
    expect(brief(alerts)).toEqual([
      { rule: 'bulk-read-then-push', severity: 'high', tool: 'kubectl', destination: null },
    ]);
  });
});

describe('a tar the runtime starts, with its long options abbreviated as GNU tar takes them', () => {
  it.each(['--cre --file - /srv/data', '--dir=/var/lib --cre -zf - postgresql'])(
    'tar %s is the pod side of a copy out',
    (args) => expect(podSide(args)).toBe('kubectl'),
  );
});
