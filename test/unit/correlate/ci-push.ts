/**
 * A CI job's push as the allowlist tests need it: in namespace `ci` it reads 100 MiB of data, then runs
 * `binary args`, which connects to a forge and sends 40 MiB; correlated under the given allowlist entries.
 * `argvTruncated`: the sensor cut that argv at its capture limit.
 */
import type { AllowlistEntry } from '../../../src/correlate/allowlist-schema.js';
import type { Alert } from '../../../src/model/alert.js';
import { MiB, run, Scenario } from './builder.js';

export function ciPushAlerts(
  binary: string,
  args: string,
  allowlist: readonly AllowlistEntry[],
  argvTruncated = false,
): Alert[] {
  const s = new Scenario();
  const c = s.container({ namespace: 'ci' });
  const sh = s.init(c);
  s.readMany(sh, '/srv/data', 100, MiB);
  const p = s.exec(c, binary, args, { parent: sh });
  const exec = s.events.at(-1);
  if (argvTruncated && exec?.kind === 'exec') exec.process.argvTruncated = true;
  s.connect(p, '140.82.114.33', 443)
    .send(p, '140.82.114.33', 443, 40 * MiB)
    .wait(300)
    .exit(p);
  return run(s.events, { allowlist: [...allowlist] }).alerts;
}
