/** A CI job's attack, shared by the push-shape red-team tests (falco-push-shapes, option-value-shapes, oci-file-uploads). */
import { run, Scenario } from './builder.js';

export const PUSH_IP = '140.82.121.34';

/** The shell reads a credential, then `binary args` connects and sends `sentBytes`: the alerts raised. */
export function secretThenPush(binary: string, args: string, source: 'tetragon' | 'falco', sentBytes = 64 * 1024) {
  const s = new Scenario({ source });
  const c = s.container({ namespace: 'ci', pod: 'job-1', name: 'job' });
  const sh = s.init(c);
  s.read(sh, '/root/.aws/credentials', 116).wait(2_000);
  const p = s.exec(c, binary, args, { parent: sh });
  s.wait(40).connect(p, PUSH_IP, 443).wait(10).send(p, PUSH_IP, 443, sentBytes).wait(300).exit(p);
  s.wait(1_000);
  return run(s.events).alerts;
}
