/**
 * Seeded random streams of both sensors on one node over containers that churn: made, read in, pushing,
 * exiting, idle past the window (expired) or pushed out by a small caps.maxContainers, and met again after
 * (a late event on an evicted container's id). Each event is reported by Tetragon, Falco or both, in either
 * order, Falco's bytes sometimes fewer (its throttling): every container's byte leads (src/correlate/dual-sensor.ts)
 * move both ways, leave zero and come back.
 */
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import { seededRandom } from '../../helpers/seeded-random.js';
import { type Ctr, MiB, type Proc, Scenario } from './builder.js';

/** Falco's report of an event: a 12-character container id, processes by pid only, its bytes times `scale`. */
function asFalco(e: NormalizedEvent, scale: number): NormalizedEvent {
  if (e.kind === 'gap') return { ...e, source: 'falco' };
  const container = e.container === null ? null : { ...e.container, id: e.container.id.slice(0, 12) };
  const process = { ...e.process, execId: null, parentExecId: null };
  const cut = (bytes: number | null) => (bytes === null ? null : Math.round(bytes * scale));
  if (e.kind === 'file')
    return { ...e, source: 'falco', container, process, file: { ...e.file, bytes: cut(e.file.bytes) } };
  if (e.kind === 'net')
    return { ...e, source: 'falco', container, process, net: { ...e.net, bytes: cut(e.net.bytes) } };
  return { ...e, source: 'falco', container, process };
}

const SIZES = [100, 4096, 64 * 1024, MiB, 5 * MiB, 40 * MiB];
const PUSHES = [
  { url: 'https://github.com/acme-archive/exports.git', ip: '140.82.112.3' },
  { url: 'https://gitlab.com/acme/exports.git', ip: '172.65.251.78' },
];

export function churnStream(seed: number, steps = 600): NormalizedEvent[] {
  const r = seededRandom(seed);
  const pick = <T>(from: readonly T[]): T => from[Math.floor(r() * from.length)]!;
  const s = new Scenario();
  const events: NormalizedEvent[] = [];
  const ctrs: { c: Ctr; sh: Proc }[] = [];
  let cookie = 1;
  for (let step = 0; step < steps; step++) {
    const from = s.events.length;
    const x = r();
    if (x < 0.12 || ctrs.length === 0) {
      const c = s.container({ namespace: 'payments', name: `api-${step}` });
      ctrs.push({ c, sh: s.init(c) });
      if (ctrs.length > 24) ctrs.splice(Math.floor(r() * ctrs.length), 1);
    } else {
      // Recent containers mostly, older ones (evicted or expired since) now and then.
      const at =
        r() < 0.8 ? ctrs.length - 1 - Math.floor(r() * Math.min(4, ctrs.length)) : Math.floor(r() * ctrs.length);
      const { c, sh } = ctrs[at]!;
      if (x < 0.5) s.read(sh, pick(['/srv/export/a.csv', '/etc/ssl/private/key.pem', '/srv/db.dump']), pick(SIZES));
      else if (x < 0.62) s.readMany(sh, `/srv/export/d${step}`, 1 + Math.floor(r() * 30), pick(SIZES), 1);
      else if (x < 0.62 + 0.12) {
        const dest = pick(PUSHES);
        const git = s.exec(c, '/usr/bin/git', `push ${dest.url} HEAD:main`, { parent: sh });
        s.wait(20);
        const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', `${dest.url} ${dest.url}`, { parent: git });
        const k = String(cookie++);
        s.wait(20).connect(helper, dest.ip, 443, { cookie: k }).wait(10);
        s.send(helper, dest.ip, 443, pick(SIZES), { cookie: k });
        s.wait(200).exit(helper).exit(git);
      } else if (x < 0.8) s.send(sh, pick(PUSHES).ip, 443, pick(SIZES));
      else if (x < 0.83) s.exit(sh);
      else if (x < 0.86) s.wait(20 * 60_000 + Math.floor(r() * 20 * 60_000));
    }
    s.wait(Math.floor(r() * 4000));
    const scale = r() < 0.7 ? 1 : pick([0, 0.25, 0.5, 1.5]);
    for (const e of s.events.slice(from)) {
      const seen = r();
      if (seen < 0.45) events.push(e, asFalco(e, scale));
      else if (seen < 0.7) events.push(asFalco(e, scale), e);
      else if (seen < 0.85) events.push(e);
      else events.push(asFalco(e, scale));
    }
  }
  return events;
}
