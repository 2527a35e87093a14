/**
 * HTTPie's bare request with an empty stdin (found by a false-positive review): a CI job's `http
 * https://api.github.com/repos/acme/app/releases/latest`, its stdin a pod's `/dev/null`, sends an empty POST, no
 * data (httpie/cli#1551, xh#422), and was `high` whenever the job had read its cloud credentials before. It is a
 * push only once its stdin was seen to carry a file (src/correlate/stdin-fed.ts): the client or its pipeline read
 * one after it started, or a credential was opened by its pid just before its exec (the shell's `< FILE`) or by a
 * pipeline member started with it (`cat key | http …`, the key read before the client's exec was seen).
 */
import { describe, expect, it } from 'vitest';
import { brief, type Proc, runResolved, Scenario } from './builder.js';

const CREDS = '/home/dev/.aws/credentials';
const API_GITHUB_IP = '140.82.112.5';
const RELEASE = 'https://api.github.com/repos/acme/app/releases/latest';
const GIST = 'api.github.com/gists';
const HIGH = [{ rule: 'sensitive-read-then-push', severity: 'high', tool: 'httpie', destination: 'api.github.com' }];

type Step = (s: Scenario, sh: Proc, http: () => Proc) => void;

/**
 * A job that read its cloud credentials (`aws sts get-caller-identity`) two seconds before running HTTPie with
 * `args`; `around` adds what feeds (or does not feed) its stdin.
 */
async function alertsOf(source: 'tetragon' | 'falco', args: string, around: Step = (_s, _sh, http) => void http()) {
  const s = new Scenario({ source });
  const c = s.container({ namespace: 'ci', pod: 'release-7', name: 'job' });
  const sh = s.exec(c, '/bin/sh', '-c ./ci/release.sh', { parent: s.init(c) });
  const aws = s.exec(c, '/usr/local/bin/aws', 'sts get-caller-identity', { parent: sh });
  s.wait(2).read(aws, CREDS, 116).wait(300).exit(aws);
  s.wait(2_000);
  let client: Proc | null = null;
  around(s, sh, () => {
    client = s.exec(c, '/usr/bin/http', args, { parent: sh });
    return client;
  });
  const http = client as Proc | null;
  if (http === null) throw new Error('the step ran no client');
  s.wait(5).connect(http, API_GITHUB_IP, 443).wait(20).send(http, API_GITHUB_IP, 443, 1_400);
  s.wait(300).exit(http);
  s.events.sort((a, b) => a.timeMs - b.timeMs);
  return brief((await runResolved(s.events)).alerts);
}

describe("HTTPie's bare request and its stdin", () => {
  for (const source of ['tetragon', 'falco'] as const) {
    it(`a job's bare GET after reading its credentials, its stdin empty, is quiet (${source})`, async () => {
      expect(await alertsOf(source, RELEASE)).toEqual([]);
      // Piped into jq, which reads nothing; HTTPie from a venv reading its modules, its config and ~/.netrc.
      const piped: Step = (s, sh, http) => {
        const client = http();
        const jq = s.exec(client.ctr!, '/usr/bin/jq', '-r .tag_name', { parent: sh });
        s.wait(3).read(client, '/opt/venv/lib/python3.12/site-packages/httpie/core.py', 9_000);
        s.read(client, '/home/dev/.config/httpie/config.json', 40).read(client, '/home/dev/.netrc', 90);
        s.wait(400).exit(jq);
      };
      expect(await alertsOf(source, RELEASE, piped)).toEqual([]);
    });

    it(`a credential redirected into its stdin is high: read by the client, or opened by its pid before (${source})`, async () => {
      // Tetragon shows the client's reads through fd 0.
      const read: Step = (s, _sh, http) => {
        const client = http();
        s.wait(3).read(client, CREDS, 116);
      };
      expect(await alertsOf(source, GIST, read)).toEqual(HIGH);
      // Falco shows the shell's child opening the file before it execs the client: the same pid, the shell's name.
      const opened: Step = (s, sh, http) => {
        const client = http();
        const child = { ...client, binary: sh.binary, args: sh.args, execId: source === 'falco' ? null : 'clone-x' };
        s.read(child, CREDS, null, { at: s.now - 1, op: 'open' });
      };
      expect(await alertsOf(source, GIST, opened)).toEqual(HIGH);
    });

    it(`a credential piped into its stdin is high, read before or after the client started (${source})`, async () => {
      for (const catFirst of [true, false]) {
        const piped: Step = (s, sh, http) => {
          const cat = s.exec(sh.ctr!, '/usr/bin/cat', CREDS, { parent: sh });
          if (catFirst) s.wait(1).read(cat, CREDS, 116);
          const client = http();
          if (!catFirst) s.wait(2).read(cat, CREDS, 116);
          s.wait(1).exit(cat);
          void client;
        };
        expect({ catFirst, alerts: await alertsOf(source, GIST, piped) }).toEqual({ catFirst, alerts: HIGH });
      }
    });
  }
});
