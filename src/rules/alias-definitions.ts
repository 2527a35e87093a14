/**
 * gh's and glab's aliases (red-team review): after `gh alias set up 'gist create'`, `gh up ~/.kube/config`
 * uploads the kubeconfig, but gh expands the alias in its own process, so that push's argv says `gh up FILE`,
 * which names no push (a word gh does not know may be an extension, its own program, or a newer command, so it
 * is not taken for one). The definition names it: an alias whose expansion is a push of the same client is taken
 * for that push where it is defined, so defining it raises an alert (graver with the reads before it). Aliases
 * written otherwise (`gh alias import FILE`, an edited config.yml, a config baked into the image) are not seen,
 * and the later use is not linked to its definition. A shell alias (`--shell`, or `!` first) runs its real
 * command line, which is recognised when it runs.
 */
import { basename, tokenize } from './argv.js';
import type { ProcessView, PushRecognition, Recognition } from './recognize.js';

const ALIAS_CLIENTS = new Set(['gh', 'glab']);
/** `alias set`'s own flags: `--shell` (`-s`) runs the expansion by sh; `--clobber` overwrites. None take a value. */
const SHELL_FLAGS = new Set(['-s', '--shell']);

/** The push an alias this process defines expands to, as `recognize` reads the expansion, or null. */
export function aliasDefinedPush(
  view: ProcessView,
  recognize: (v: ProcessView) => Recognition,
): PushRecognition | null {
  const args = aliasExpansionArgs(view.binary, view.args);
  const r = args !== null ? recognize({ ...view, args }) : null;
  return r?.kind === 'push' ? r : null;
}

/** The command line an alias defined by this process expands to (`gist create $1`), or null. */
function aliasExpansionArgs(binary: string | null, args: string | null): string | null {
  if (!ALIAS_CLIENTS.has(basename(binary))) return null;
  const words = tokenize(args);
  if (words[0] !== 'alias' || words[1] !== 'set') return null;
  const rest = words.slice(2);
  if (rest.some((w) => SHELL_FLAGS.has(w))) return null;
  // NAME, then the expansion: one word as quoted, several where the sensor joined argv with spaces (Falco), its
  // own flags among them (`api -X POST …`); `--clobber` after it is harmless to the expansion's reading.
  const name = rest.findIndex((w) => !w.startsWith('-'));
  if (name < 0) return null;
  const expansion = rest
    .slice(name + 1)
    .join(' ')
    .trim();
  if (expansion === '' || expansion === '-' || expansion.startsWith('!')) return null;
  return expansion;
}
