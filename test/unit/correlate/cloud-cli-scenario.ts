/** The scenario the cloud CLI tests share: a credential read, then the CLI reads it and sends a few KiB. */
import { run, Scenario } from './builder.js';

export function credentialReadThen(
  binary: string,
  args: string,
  apiIp: string,
  source: 'tetragon' | 'falco' = 'tetragon',
) {
  const s = new Scenario({ source });
  const c = s.container({ namespace: 'prod', pod: 'worker-3', name: 'worker' });
  const sh = s.init(c);
  s.read(sh, '/root/.aws/credentials', 116).wait(2_000);
  const p = s.exec(c, binary, args, { parent: sh });
  s.read(p, '/root/.aws/credentials', 116).wait(30).connect(p, apiIp, 443).wait(10);
  s.send(p, apiIp, 443, 3_000).wait(300).exit(p);
  return run(s.events).alerts;
}
