/**
 * Shell scripts that copy a secret into the shared workspace through a loop over several words, a function
 * redirected at its call, or `xargs` given the names (src/correlate/shell-calls.ts, shell-writes.ts): each was missed
 * (docs/detection.md "Shell scripts"); the look-alikes below them stay quiet. The cache reader reads the same result
 * (src/correlate/cache-writes.ts).
 */
import { describe, expect, it } from 'vitest';
import { writtenInto } from '../../../src/correlate/cache-writes.js';
import { ExecLine } from '../../../src/correlate/exec-line.js';
import { relinked } from '../../../src/correlate/relinks.js';
import { mayCopy } from '../../../src/correlate/shell-prefilter.js';
import { expectQuiet, expectSecretRead, type Steps, shellStep, TOKEN } from './workspace-scenario.js';

const T = '/workspace/source/t';
const bash = (script: string, o: Omit<Steps, 'binary' | 'copy'> = {}) => shellStep('/bin/bash', script, o);

const ATTACKS = [
  // A loop over several words: every word is read.
  `for f in /etc/hostname ${TOKEN}; do cat "$f"; done > ${T}`,
  `for f in README ${TOKEN} LICENSE; do cat $f; done | base64 > ${T}`,
  `for f in ca.crt token; do cat /var/run/secrets/kubernetes.io/serviceaccount/$f; done > ${T}`,
  // A function run with the redirection on its call.
  `f(){ cat ${TOKEN}; }; f > ${T}`,
  `function f { cat ${TOKEN}; }; f | tee ${T} > /dev/null`,
  `function f() ( base64 ${TOKEN} ); g() { f; }; g >> ${T}`,
  `f() { cat; }; f < ${TOKEN} > ${T}`,
  // xargs given the names on its stdin.
  `echo ${TOKEN} | xargs cat > ${T}`,
  `printf '%s\\n' ${TOKEN} | xargs -I{} cat {} > ${T}`,
];

describe('a secret copied into the workspace through a loop, a function or xargs', () => {
  it('is a copy (Tetragon quoting)', async () => {
    await expectSecretRead(ATTACKS.map((script) => ({ ...bash(script, { cwd: '/src' }), read: T })));
  });

  it('is a copy in Falco\'s unquoted argv, and told "may copy" by the pre-check', () => {
    for (const script of ATTACKS) {
      expect(relinked('/bin/bash', `-c ${script}`, '/src', 2).into, script).toContain(T);
      expect(mayCopy(script, []), script).toBe(true);
    }
  });

  it('takes each word for its file, a home directory by its name', () => {
    const copied = (script: string) => relinked('/bin/sh', `-c '${script}'`, '/src');
    expect(copied('f(){ cat ~/.ssh/id_rsa; }; f > /workspace/k')).toMatchObject({
      sources: ['/src/~/.ssh/id_rsa'],
      into: ['/workspace/k'],
    });
    expect(copied('echo ~/.aws/credentials | xargs cat > /workspace/c').into).toEqual(['/workspace/c']);
    expect(copied(`for f in a ${TOKEN}; do cat $f > /workspace/$f.b; done`)).toMatchObject({
      sources: ['/src/a', TOKEN],
      into: ['/workspace/a.b', `/workspace${TOKEN}.b`],
    });
    // `cp` names what it copies on its own exec (./relinks.ts reads it there): no second entry from the script.
    expect(copied(`echo ${TOKEN} | xargs -I{} cp {} /workspace/c`).sources).toEqual([]);
  });

  it('stages a package cache when a function or loop writes there (the same result, read by cache-writes)', () => {
    const m2 = '/home/runner/.m2/repository/org/acme/x/1.0/x-1.0.jar';
    const inCache = (p: string) => p.includes('/.m2/repository/');
    const writes = (script: string) =>
      writtenInto(new ExecLine('/bin/sh', `-c '${script}'`, '/w', undefined)).some(inCache);
    expect(writes(`f(){ python3 /tmp/pack.py; }; f > ${m2}`)).toBe(true);
    expect(writes(`for p in a b; do python3 /tmp/$p.py > ${m2.replace('x-1.0', '$p')}; done`)).toBe(true);
    expect(writes('f(){ python3 /tmp/pack.py; }; f > /tmp/out.jar')).toBe(false);
  });

  it('stays quiet for loops and functions over files that are no secret, or writing none of it', async () => {
    const reads = ['/workspace/source/x'];
    await expectQuiet([
      bash('for f in README LICENSE; do cat $f; done > /workspace/source/x', { cwd: '/src', reads }),
      bash(`f(){ cat ${TOKEN}; }; echo ok > /workspace/source/x`, { reads }),
      bash(`f(){ cat ${TOKEN} | wc -c; }; f > /workspace/source/x`, { reads }),
      bash(`f(){ cat ${TOKEN}; }; f > /dev/null; echo ok > /workspace/source/x`, { reads }),
      bash(`echo ${TOKEN} | xargs wc -c > /workspace/source/x`, { reads }),
      bash(`echo ${TOKEN} | xargs -n1 echo > /workspace/source/x`, { reads }),
    ]);
  });
});
