/**
 * The Falco HTTP receiver's protections, on the real daemon: node-local by default with every limit
 * bounded, TLS with required client certificates, the shared-secret header, the request-rate limit; and a
 * warning when it is bound beyond the node with neither TLS nor a secret. (Body, header, connection and
 * slow-client limits under attack: test/fuzz/falco-http.test.ts.)
 */
import { readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { falcoHttpConfigSchema } from '../../src/sources/falco-http/config.js';
import { bodyBudgetBytes } from '../../src/sources/falco-http/guards.js';
import { startDaemon, tempDir } from '../faults/helpers/daemon.js';
import { falcoTexts } from '../fuzz/corpus.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const TLS = new URL('../fixtures/falco/tls/', import.meta.url).pathname;
const pem = (f: string) => readFileSync(join(TLS, f));
const SECRET = 'falc0-to-exfilwatch-s3cret';

function post(
  port: number,
  options: { cert?: Buffer; key?: Buffer; headers?: Record<string, string> } = {},
): Promise<number | string> {
  const body = falcoTexts()[0]!;
  return new Promise((resolve) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        servername: 'localhost',
        port,
        method: 'POST',
        agent: false,
        ca: pem('ca.crt'),
        cert: options.cert,
        key: options.key,
        headers: { 'content-type': 'application/json', ...options.headers },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.end(body);
  });
}

describe('Falco HTTP receiver protections', () => {
  it('defaults: node-local (loopback), every size, count and time bounded', () => {
    const c = falcoHttpConfigSchema.parse({});
    expect(c.listen).toBe('127.0.0.1:2801');
    expect(c.tls).toBeUndefined();
    expect(c.maxBodyBytes).toBe(1024 * 1024);
    expect(c.maxHeaderBytes).toBe(16 * 1024);
    expect(c.maxConnections).toBeGreaterThan(0);
    expect(c.maxConnections).toBeLessThanOrEqual(1024);
    expect(c.requestTimeoutMs).toBeLessThanOrEqual(60_000);
    expect(c.keepAliveTimeoutMs).toBeLessThanOrEqual(120_000);
    expect(falcoHttpConfigSchema.safeParse({ sharedSecret: { header: 'x-secret' } }).success).toBe(false);
  });

  it('maxBodyBytes is bounded: past 4 GiB zlib refused the limit and every gzip POST was answered 413', () => {
    const big = 64 * 1024 * 1024;
    expect(falcoHttpConfigSchema.safeParse({ maxBodyBytes: big, maxBufferedBodyBytes: big }).success).toBe(true);
    const over = falcoHttpConfigSchema.safeParse({ maxBodyBytes: 5_000_000_000 });
    expect(over.success).toBe(false);
    expect(over.error?.issues.map((i) => i.path.join('.'))).toEqual(['maxBodyBytes']);
  });

  it('one budget for bodies held across all connections: bounded, and never below one body', () => {
    const c = falcoHttpConfigSchema.parse({});
    // 256 connections x 1 MiB each was 307 MB RSS (424 MB as they closed): past the pod's 256 Mi.
    expect(c.maxBufferedBodyBytes).toBe(16 * 1024 * 1024);
    expect(c.maxBufferedBodyBytes).toBeLessThan(c.maxConnections * c.maxBodyBytes);
    // A body the budget could never hold would be answered 503 "retry" forever, and a config that raised
    // maxBodyBytes before the budget existed must still start: the budget is raised to one body.
    const big = falcoHttpConfigSchema.parse({ maxBodyBytes: 32 * 1024 * 1024 });
    expect(bodyBudgetBytes(big)).toBe(32 * 1024 * 1024);
    expect(bodyBudgetBytes(falcoHttpConfigSchema.parse({ maxBufferedBodyBytes: 2048 }))).toBe(c.maxBodyBytes);
    expect(bodyBudgetBytes(c)).toBe(16 * 1024 * 1024);
  });

  it('TLS with required client certificates, the shared secret and the rate limit, on the real daemon', async () => {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const d = await startDaemon(
      {
        sources: {
          falcoHttp: [
            {
              listen: '127.0.0.1:0',
              tls: {
                certFile: join(TLS, 'server.crt'),
                keyFile: join(TLS, 'server.key'),
                clientCaFile: join(TLS, 'ca.crt'),
              },
              sharedSecret: { header: 'x-exfilwatch-secret', valueEnv: 'FALCO_SECRET' },
              maxRequestsPerSecond: 5,
            },
          ],
        },
        correlator: { destinations: { dnsRefreshMs: 0 } },
      },
      { dir, env: { FALCO_SECRET: SECRET } },
    );
    cleanups.push(() => d.dispose());
    const line = await d.waitForLog((l) => l.msg === 'falco-http receiver listening');
    expect(line.scheme).toBe('https');
    const port = Number(String(line.listen).split(':').pop());
    const client = { cert: pem('client.crt'), key: pem('client.key') };
    const secret = { 'x-exfilwatch-secret': SECRET };

    // No client certificate, or one the CA did not sign: the handshake fails, no HTTP at all.
    expect(typeof (await post(port, { headers: secret }))).toBe('string');
    expect(typeof (await post(port, { cert: pem('rogue.crt'), key: pem('rogue.key'), headers: secret }))).toBe(
      'string',
    );
    // A trusted client without (or with a wrong) secret: 401.
    expect(await post(port, client)).toBe(401);
    expect(await post(port, { ...client, headers: { 'x-exfilwatch-secret': 'guess' } })).toBe(401);
    // Trusted and with the secret: accepted, until the rate limit (5/s, burst 5) says 429.
    await new Promise((r) => setTimeout(r, 1100)); // refill the bucket the refusals above used
    // The bucket refills while the burst's TLS handshakes run (over a second on a loaded box), so the bound on
    // what is accepted is the burst plus the refill over the time the burst took, not the burst alone.
    const burstStarted = performance.now();
    const burst = await Promise.all(Array.from({ length: 30 }, () => post(port, { ...client, headers: secret })));
    const burstSeconds = (performance.now() - burstStarted) / 1000;
    const accepted = burst.filter((s) => s === 200).length;
    expect(accepted).toBeGreaterThanOrEqual(1);
    expect(accepted).toBeLessThanOrEqual(5 + Math.ceil(5 * burstSeconds));
    expect(burst.filter((s) => s === 429).length).toBe(30 - accepted);

    const text = await d.metricsText();
    expect(text).toMatch(/exfilwatch_receiver_requests_total\{source="falco-http",code="tls"\} [1-9]/);
    expect(text).toMatch(/exfilwatch_receiver_requests_total\{source="falco-http",code="401"\} 2/);
    expect(text).toMatch(/exfilwatch_receiver_requests_total\{source="falco-http",code="429"\} [1-9]/);
    expect(d.stderr()).not.toContain(SECRET);
  });

  it('warns when bound beyond the node with neither TLS nor a shared secret', async () => {
    const d = await startDaemon({ sources: { falcoHttp: [{ listen: '0.0.0.0:0' }] } });
    cleanups.push(() => d.dispose());
    await d.waitForLog((l) =>
      String(l.msg).startsWith('falco-http listens beyond this node without tls or sharedSecret'),
    );
    const local = await startDaemon({ sources: { falcoHttp: [{ listen: '127.0.0.1:0' }] } });
    cleanups.push(() => local.dispose());
    await local.waitForLog((l) => l.msg === 'falco-http receiver listening');
    expect(local.stderr()).not.toContain('listens beyond this node');
  });
});
