/**
 * Child process of settle.test.ts (run with --trace-opt --trace-deopt): a correlator fed long enough
 * for V8 to optimize its hot path on plain activity, then, after a marker, the rarer things a real stream
 * brings later: a push (a pending push per container and node, the pusher's rare fields), a sensitive
 * read, an archiver, a destination classified from argv, an upload split over processes, a push judged
 * early by quick pushes after it, and processes and containers expiring.
 */
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import { makeCorrelator, Scenario } from './builder.js';

const { correlator } = makeCorrelator();
const s = new Scenario();
let fed = 0;
const feed = (): void => {
  const batch = s.events.splice(0);
  for (let i = 0; i < batch.length; i += 256) correlator.ingest(batch.slice(i, i + 256) as NormalizedEvent[]);
  fed += batch.length;
};

for (let round = 0; round < 40; round++) {
  for (let k = 0; k < 50; k++) {
    const ctr = s.container();
    const app = s.exec(ctr, '/usr/local/bin/app', '--serve', { parent: s.init(ctr) });
    s.readMany(app, '/srv/data', 8, 4096, 1);
    s.connect(app, `10.1.${round}.${k}`, 5432, { cookie: `${round}-${k}` });
    s.send(app, `10.1.${round}.${k}`, 5432, 512, { cookie: `${round}-${k}` });
    s.send(app, null, null, 256, { cookie: `${round}-${k}` });
    s.exit(app);
    s.wait(10);
  }
  feed();
}
console.log(`MARK late ${fed}`);
const ctr = s.container();
const sh = s.exec(ctr, '/bin/sh', '-c build');
s.read(sh, '/root/.ssh/id_rsa', 2048);
const tar = s.exec(ctr, '/bin/tar', 'czf /tmp/src.tgz /src', { parent: sh });
s.readMany(tar, '/src', 120, 1 << 18, 1);
const git = s.exec(ctr, '/usr/bin/git', 'push https://github.com/acme/app.git main', { parent: sh });
s.connect(git, '140.82.112.3', 443, { cookie: 'git' });
s.send(git, '140.82.112.3', 443, 4 << 20, { cookie: 'git' });
// An upload split over processes: the container's first egress sums, one of them a push.
for (let i = 0; i < 3; i++) {
  const up = s.exec(ctr, '/opt/up', `https://ghcr.io/v2/x/blobs/uploads/ part-${i}`, { parent: sh });
  s.connect(up, '140.82.121.33', 443, { cookie: `up-${i}` });
  s.send(up, null, null, 600 << 10, { cookie: `up-${i}` });
}
// Quick pushes by other tools after the git push: the pending list full, the git push judged early and
// watched (its episode's `early` written), its own reads after it.
for (const [tool, args] of [
  ['/usr/bin/gh', 'api -X POST repos/acme/app/issues -f title=flaky'],
  ['/usr/local/bin/crane', 'copy quay.io/acme/a:1 quay.io/acme/a:2'],
  ['/usr/local/bin/oras', 'push ghcr.io/acme/n:1 n.txt'],
  ['/usr/local/bin/helm', 'push c-0.1.0.tgz oci://registry-1.docker.io/acme'],
] as const) {
  const p = s.exec(ctr, tool, args, { parent: sh });
  s.wait(5).exit(p);
}
s.readMany(git, '/src/late', 4, 1 << 20, 1);
s.wait(2 * 60 * 60 * 1000);
s.read(sh, '/srv/late', 1);
feed();
// The stream ends here. What follows is not part of it: the wall clock given for the first time (a daemon
// gives it from its first tick, before any event; here only now, so its optimized code relied on there being
// none) and the final flush.
console.log('MARK end');
correlator.advance(s.now);
const alerts = correlator.flush();
console.log(`done ${fed} ${alerts.length}`);
