/**
 * The pod side of `kubectl cp` out of the cluster, as the container runtime runs it (the push table's
 * `archive-to-stdout` matcher, interpreted by ./recognize.ts): `tar cf - PATH`, or kubectl's resumable form
 * through a shell.
 */
/** `tar cf - …`, `tar -czf - …`, `tar --create --file=- …`: an archive written to stdout. */
export function isTarCreateToStdout(words: string[]): boolean {
  const first = words[0] ?? '';
  if (/^-?[A-Za-z]*c[A-Za-z]*f$/.test(first) && words[1] === '-') return true;
  const create = words.includes('--create') || words.some((w) => /^-[A-Za-z]*c[A-Za-z]*$/.test(w));
  if (!create) return false;
  return words.includes('--file=-') || words.some((w, i) => (w === '-f' || w === '--file') && words[i + 1] === '-');
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
