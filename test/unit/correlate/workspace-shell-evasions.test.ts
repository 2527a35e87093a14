/**
 * Shell scripts shaped to copy a secret into the shared workspace past the script reader (red-team of
 * src/correlate/shell-script.ts and neighbours): descriptors opened on the file (`exec 3>FILE; … >&3`, `1<>`,
 * `{fd}>`, `exec >FILE`), wrappers and reserved words before the program (`command tee`, `nice cat`, `then cat`),
 * loops' redirections, `read` loops, command substitutions, and filters given files (`sed`, `grep`, `awk`) or
 * writing one (`sed w`). Each was missed; the look-alikes below them must stay quiet.
 */
import { describe, expect, it } from 'vitest';
import { relinked } from '../../../src/correlate/relinks.js';
import { mayCopy } from '../../../src/correlate/shell-prefilter.js';
import { expectQuiet, expectSecretRead, type Steps, shellStep, TOKEN } from './workspace-scenario.js';

const T = '/workspace/source/t';
const bash = (script: string, o: Omit<Steps, 'binary' | 'copy'> = {}) => shellStep('/bin/bash', script, o);

const ATTACKS = [
  `exec 3>${T}; cat ${TOKEN} >&3`,
  `exec {fd}>${T}; cat ${TOKEN} >&$fd`,
  `exec 2>${T}; cat ${TOKEN} 1<&2`,
  `exec >${T}; cat ${TOKEN} | base64`,
  `cat ${TOKEN} 1<>${T}`,
  `{ cat ${TOKEN} >&3; } 3>${T}`,
  `{ cat ${TOKEN}; } 1>${T}`,
  `cat ${TOKEN} | command tee ${T} >/dev/null`,
  `cat ${TOKEN} | busybox tee ${T}`,
  `nice -n 5 cat ${TOKEN} > ${T}`,
  `timeout 5 env -i cat ${TOKEN} > ${T}`,
  `if true; then cat ${TOKEN} > ${T}; fi`,
  `for i in 1; do cat ${TOKEN}; done > ${T}`,
  `while read -r l; do echo $l; done < ${TOKEN} > ${T}`,
  `echo \`cat ${TOKEN}\` > ${T}`,
  `echo "$(cat ${TOKEN})" > ${T}`,
  `printf %s "$(<${TOKEN})" > ${T}`,
  `cat <<<"$(base64 ${TOKEN})" > ${T}`,
  `sed '' ${TOKEN} > ${T}`,
  `sed -n 'w ${T}' ${TOKEN}`,
  `grep -h . ${TOKEN} > ${T}`,
  `awk 1 ${TOKEN} > ${T}`,
  `cut -c1- ${TOKEN} > ${T}`,
  `for f in ${TOKEN}; do cat $f > ${T}; done`,
  `cat ${TOKEN} > \${OUT:-${T}}`,
  `pushd /workspace/source; cat ${TOKEN} > t`,
];

describe('a secret copied into the workspace by a script shaped to pass unread', () => {
  it('is a copy (Tetragon quoting)', async () => {
    await expectSecretRead(ATTACKS.map((script) => ({ ...bash(script), read: T })));
  });

  it('reads a script holding double quotes whole, as Tetragon quotes it, with its parameters after it', () => {
    // `sh -c 'cat "$1" > "$2"' sh SRC DEST`: the script's quotes bare inside Tetragon's own.
    expect(relinked('/bin/sh', `-c "cat "$1" > "$2"" sh ${TOKEN} ${T}`).into).toEqual([T]);
    expect(relinked('/bin/sh', `-e -c "echo "$(cat ${TOKEN})" > ${T}"`).into).toEqual([T]);
    // Split as it stands (no quotes inside): read as before.
    expect(relinked('/bin/sh', `-c "cat ${TOKEN} > ${T}" sh`).into).toEqual([T]);
    expect(relinked('/bin/sh', '-c "echo "hello world" > /workspace/source/x"').sources).toEqual([]);
  });

  it("is a copy in Falco's unquoted argv", () => {
    for (const script of ATTACKS) expect(relinked('/bin/bash', `-c ${script}`, null, 2).into, script).toEqual([T]);
  });

  it('is told "may copy" by the pre-check', () => {
    for (const script of ATTACKS) expect(mayCopy(script, []), script).toBe(true);
    for (const script of [`exec 0>${T}; cat t >&0`, `cat t 2>${T} >& 2`, `s''ed -n 'w ${T}' t`])
      expect(mayCopy(script, []), script).toBe(true);
    // stderr to a file with nothing duplicated onto it stays unparsed.
    expect(mayCopy('go vet ./... 2>> err.log | grep -v vendor', [])).toBe(false);
  });

  it('stays quiet for text, files that are no secret, and a secret read into no file', async () => {
    const reads = ['/workspace/source/x'];
    await expectQuiet([
      bash('echo hello > /workspace/source/x', { reads }),
      bash(`cat ${TOKEN} > \${OUT:-/dev/null}; echo ok > /workspace/source/x`, { reads }),
      bash('exec 3>/workspace/source/x; echo done >&3', { reads }),
      bash(`exec 3>/workspace/source/x; cat ${TOKEN} >/dev/null; echo ok >&3`, { reads }),
      bash('nice -n 5 make > /workspace/source/x', { reads }),
      bash('echo "$(date)" > /workspace/source/x', { reads }),
      bash(`echo "$(wc -c < ${TOKEN})" > /workspace/source/x`, { reads }),
      bash(`while read -r l; do echo ok; done < ${TOKEN} > /workspace/source/x`, { reads }),
      bash("sed -n 'w /workspace/source/x' README.md", { cwd: '/src', reads }),
      bash(`grep -c . ${TOKEN} 2>/dev/null > /workspace/source/x`, { reads }),
      bash('cat README 2>/dev/null > /workspace/source/x', { cwd: '/src', reads }),
      bash(`cat ${TOKEN} | docker login --password-stdin ghcr.io > /workspace/source/x`, { reads }),
    ]);
  });
});
