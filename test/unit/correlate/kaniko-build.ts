/**
 * A kaniko build as the sensors see it, shared by the allowlist tests: a push to the internal Harbor at
 * 10.20.0.5 recognised from argv at once, its base image pulled from Docker Hub in the window, its upload a
 * minute later (long after the push is judged). `sends: false` is Falco without its byte rules (connects only).
 */
import type { Alert } from '../../../src/model/alert.js';
import { MiB, run, Scenario } from './builder.js';

export function kanikoToHarbor(o: { source?: 'tetragon' | 'falco'; sends: boolean }): Alert[] {
  const s = new Scenario({ source: o.source ?? 'tetragon' });
  const c = s.container({ namespace: 'ci' });
  const sh = s.init(c);
  s.readMany(sh, '/workspace', 80, MiB);
  const k = s.exec(
    c,
    '/kaniko/executor',
    '--context dir:///workspace --destination harbor.corp.example/app/api:1.4.2',
    {
      parent: sh,
    },
  );
  const request = (ip: string, bytes: number) => {
    s.connect(k, ip, 443);
    if (o.sends) s.send(k, ip, 443, bytes);
  };
  request('10.20.0.5', 3000); // push-permission check
  s.wait(1500);
  request('54.236.113.205', 2000); // registry-1.docker.io (FROM)
  request('104.16.98.215', 2000); // production.cloudflare.docker.com
  s.wait(60_000);
  if (o.sends) s.send(k, '10.20.0.5', 443, 150 * MiB);
  const allowlist = [{ namespace: 'ci', destination: '10.20.0.0/16', reason: 'harbor' }];
  return run(s.events, { allowlist, config: { destinations: { internal: ['10.20.0.0/16'] } } }).alerts;
}
