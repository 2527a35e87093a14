/**
 * The integration tests' free port is below the kernel's ephemeral range, so a server stopped and started
 * again on it (the broker-outage tests) cannot find it taken by an outgoing connection's source port.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ephemeralPortLow, freePort } from '../../helpers/nats-server.js';

describe('freePort', () => {
  it('gives distinct loopback ports below the ephemeral range that a server can listen on', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(1024);
      expect(port).toBeLessThan(ephemeralPortLow());
    }
    expect(new Set(ports).size).toBeGreaterThan(15);
    const srv = createServer();
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(ports[0], '127.0.0.1', () => resolve());
    });
    await new Promise((r) => srv.close(r));
  });
});
