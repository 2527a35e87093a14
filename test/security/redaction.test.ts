/**
 * Credentials never survive into alerts, logs, metrics or the spool file. First the redactor over the
 * token corpus (every format, every context); then the real daemon fed attacks whose command lines carry
 * the whole corpus, run at debug log level with the NATS spool holding the alerts: stdout, stderr, the
 * /metrics text and the spool file are searched for every token.
 */
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { redact } from '../../src/correlate/redact.js';
import { startDaemon, tempDir, waitFor } from '../faults/helpers/daemon.js';
import { attackScenario } from '../faults/helpers/scenario.js';
import { startNatsServer } from '../helpers/nats-server.js';
import { leakedTokens, TOKENS, tokenContexts } from './token-corpus.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('redaction', () => {
  it.each(tokenContexts())('redacts %s', (context) => {
    expect(leakedTokens(context).length).toBeGreaterThan(0); // the corpus line does carry a token
    const out = redact(context);
    expect(leakedTokens(out)).toEqual([]);
    expect(out).toContain('[REDACTED]');
    expect(redact(out)).toBe(out); // idempotent
  });

  it('keeps what responders need: hosts, paths, the ssh user git, commit SHAs', () => {
    const sha = 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3';
    expect(redact(`push git@github.com:o/r.git ${sha}`)).toBe(`push git@github.com:o/r.git ${sha}`);
    expect(redact('push https://github.com/o/r.git HEAD:main')).toBe('push https://github.com/o/r.git HEAD:main');
    expect(redact(`push -q https://x:${TOKENS.githubClassic}@github.com/o/r.git`)).toContain('@github.com/o/r.git');
  });

  it('the real daemon: no token from the corpus in alerts, logs (debug), metrics or the spool file', async () => {
    const nats = await startNatsServer();
    cleanups.push(() => nats.dispose());
    await nats.stop(); // alerts stay in the spool file, where we can read them
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'tetragon.log');
    const d = await startDaemon(
      {
        logLevel: 'trace',
        sources: { tetragonFile: [{ path: file, startAt: 'start', pollIntervalMs: 50 }] },
        sinks: { stdout: { enabled: true }, nats: { servers: [nats.url], spool: { dir: join(dir, 'spool') } } },
        correlator: { latenessMs: 1000, pushSettleMs: 1000, destinations: { dnsRefreshMs: 0 } },
      },
      { dir },
    );
    cleanups.push(() => d.dispose());
    const contexts = tokenContexts();
    const start = Date.now() - 10 * 60_000;
    let lines = '';
    const ids: string[] = [];
    contexts.forEach((context, i) => {
      // Each corpus line rides on a git push (args), and the classic PAT sits in the remote URL too.
      const a = attackScenario({ name: `redact-${i}`, startMs: start + i * 5000, pushArgsExtra: context });
      ids.push(a.containerId);
      lines += a.tetragon.map((l) => `${l}\n`).join('');
    });
    appendFileSync(file, lines);
    // Sanity: the input really carries every token.
    expect(leakedTokens(lines).sort()).toEqual(Object.keys(TOKENS).sort());
    await waitFor(() => d.alerts().length === contexts.length, `${contexts.length} alerts`, 30_000);
    await d.waitForMetric('exfilwatch_alert_spool_messages', {}, (v) => v === contexts.length);
    for (const a of d.alerts()) {
      expect(a.process.args).toContain('[REDACTED]');
      expect(a.push.remote).toContain('[REDACTED]');
    }
    const metrics = await d.metricsText();
    d.child.kill('SIGTERM');
    await d.exited;
    const spool = readFileSync(join(dir, 'spool', 'alerts.spool'), 'utf8');
    expect(spool.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(contexts.length);
    expect(leakedTokens(d.stdout())).toEqual([]);
    expect(leakedTokens(d.stderr())).toEqual([]);
    expect(leakedTokens(metrics)).toEqual([]);
    expect(leakedTokens(spool)).toEqual([]);
  });
});
