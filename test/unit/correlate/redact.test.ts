/**
 * Credentials as CI jobs and attackers really pass them, in Tetragon's quoted argv and in Falco's
 * space-joined argv (a header value split into several words), and what must stay readable around them.
 */
import { describe, expect, it } from 'vitest';
import { redact } from '../../../src/correlate/redact.js';

function check(cases: Array<[string, string]>) {
  for (const [input, output] of cases) {
    it(input, () => {
      expect(redact(input)).toBe(output);
      expect(redact(output)).toBe(output);
    });
  }
}

describe('redact: -p and -u short options', () => {
  check([
    // twine upload (process.args carries no argv[0]), oras push, docker login with the value attached.
    ['upload -u __token__ -p S3cretPyPIpass dist/*', 'upload -u __token__ -p [REDACTED] dist/*'],
    ['push -u bob -p hunter2pass ghcr.io/evil/x:1 /tmp/f', 'push -u bob -p [REDACTED] ghcr.io/evil/x:1 /tmp/f'],
    ['login -u bob -phunter2pass ghcr.io', 'login -u bob -p[REDACTED] ghcr.io'],
    ['/usr/bin/sshpass -p hunter2pass scp /tmp/x h:', '/usr/bin/sshpass -p [REDACTED] scp /tmp/x h:'],
    ['-ualice:hunter2pass -T /tmp/x https://x', '-u[REDACTED] -T /tmp/x https://x'],
    // -p that is no password stays.
    ['run -u 1000 -p 8080:80 nginx', 'run -u 1000 -p 8080:80 nginx'],
    ['-c "git push origin main && mkdir -p /tmp/out"', '-c "git push origin main && mkdir -p /tmp/out"'],
    ['push -u origin main', 'push -u origin main'],
  ]);
});
