/**
 * The pod side of `kubectl cp` out of the cluster, as the container runtime runs it (the push table's
 * `archive-to-stdout` matcher, interpreted by ./recognize.ts): `tar cf - PATH`, or kubectl's resumable form
 * through a shell.
 */
import { readTarCommand, stdioArchive, type TarFlavour } from './tar-command.js';

/**
 * An archive created to stdout (`tar cf - …`, `tar -czf - …`, `tar -C /srv -cf - data`, `tar --create --file=- …`), as
 * ./tar-command.ts reads the line. Its own reader before took a bundle only as the first word and `-f` only apart
 * from its value (`-f -`, `--file=-`): `tar -v -czf - /srv`, `tar -C /srv -cf - data` and `tar -cf- /srv` under the
 * runtime were no push (test/unit/correlate/kubectl-cp-pod-side-forms.test.ts).
 */
export function isTarCreateToStdout(words: string[], flavour: TarFlavour): boolean {
  const tar = readTarCommand(words, null, flavour);
  // Create only, as before: appending to or updating stdout (`-rf -`) is what GNU tar refuses. No `-f` at all is
  // stdout too (stdioArchive), so `kubectl exec POD -- tar -cz /var/lib/pg > loot.tgz` is the same copy out; so is
  // an archive named by stdout's device.
  return tar.operations.includes('c') && stdioArchive(tar.archive);
}

/**
 * What such a tar copies out, as its recognition shows it (the push's remote): every absolute word, an option's
 * value too (`-C /var/lib`: where the copy was taken), joined; null when none. Not the reader's names made absolute
 * (../correlate/tar-copies.ts): a recognizer is given no working directory to make a relative name absolute, and
 * the alerts' remote stays what it was.
 */
export function podSideRemote(words: readonly string[]): string | null {
  return words.filter((w) => w.startsWith('/')).join(' ') || null;
}

/**
 * The path in kubectl cp's resumable pod-side command, `-c "tar cf - PATH | tail -c+OFFSET"` (kubectl writes
 * it with `%s`, unquoted), or null: only that exact command, so no other shell run by the runtime matches. The
 * words are joined again because Falco sends argv unquoted (`-c tar cf - PATH | tail -c+0`).
 */
export function kubectlResumablePath(words: string[]): string | null {
  if (words[0] !== '-c') return null;
  const m = /^tar cf - (\S.*) \| tail -c\+\d+$/.exec(words.slice(1).join(' '));
  return m === null ? null : m[1]!;
}
