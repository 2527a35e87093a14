/** A CI job's attack, shared by the push-shape red-team tests (falco-push-shapes, option-value-shapes). */
import { run, Scenario } from './builder.js';

export const PUSH_IP = '140.82.121.34';

/** The shell reads a credential, then `binary args` connects and sends 64 KiB: the alerts raised. */
export function secretThenPush(binary: string, args: string, source: 'tetragon' | 'falco') {
  const s = new Scenario({ source });
  const c = s.container({ namespace: 'ci', pod: 'job-1', name: 'job' });
  const sh = s.init(c);
  s.read(sh, '/root/.aws/credentials', 116).wait(2_000);
  const p = s.exec(c, binary, args, { parent: sh });
  s.wait(40)
    .connect(p, PUSH_IP, 443)
    .wait(10)
    .send(p, PUSH_IP, 443, 64 * 1024)
    .wait(300)
    .exit(p);
  s.wait(1_000);
  return run(s.events).alerts;
}
