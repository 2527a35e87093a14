/**
 * Which of two readings of Falco's space-joined words (./joined-argv.ts) is the likelier argv, when one is a push
 * and another is not. Both are argvs the process may have had; spaces in real command lines sit, far more often
 * than anywhere else, in a flag's value written as `key=value text` (`--set-string "msg=…"`, `--build-arg
 * "NOTE=…"`, `-c "core.sshCommand=ssh -i k"`, `-Dmsg="…"`). A push reading whose spaced arguments are not that
 * shape (a value holding the sub-command, `-n "prod upgrade rel ./chart"`; a spaced positional a flag the table
 * lacks may own) loses to the reading that puts every join in one such value holding the push word, when that
 * reading is no push: found by review, `helm -n prod upgrade rel ./chart --set-string "msg=helm push chart.tgz
 * oci://ghcr.io/x/y"` read as `helm -n "prod upgrade rel ./chart" --set-string msg=helm push chart.tgz oci://…`.
 * A push reading whose own spaced values are `key=value` text keeps the tie (`git -c "x=1 commit y" push URL`).
 * The push reading that loses is kept as an unsure push (PushRecognition.argvOutranked, ../correlate/judge.ts): an
 * attacker can pad a real push to mirror the benign shape (`helm --kube-context "prod upgrade" --kube-as-user x=y
 * push …`).
 */
import { type FlagSyntax, parseArgv } from './argv.js';

/** `key=value …`: a property, build argument, helm value or git config entry. */
const KEY_VALUE = /^[A-Za-z_][\w.-]*=/;
/** The same attached to its flag: `--set-string=msg=…`, `-Dmsg=…`. */
const FLAG_KEY_VALUE = /^--?[A-Za-z][\w.-]*=/;

const flagShaped = (w: string | undefined, syntax: FlagSyntax) =>
  w !== undefined && w.length > 1 && (w[0] === '-' || (syntax.plusFlags === true && w[0] === '+'));

/** A spaced argument as people write one: a `key=value` text, alone or attached to its flag. */
export function isKeyValueText(arg: string): boolean {
  return KEY_VALUE.test(arg) || FLAG_KEY_VALUE.test(arg);
}

/**
 * For a push word at `at`, the reading that holds every join in one `key=value` text starting at or before it and
 * holding it, each other word alone, with one of the tool's everyday sub-commands (PushToolSpec.commonCommands)
 * as its own, the word the push reading glued into a value; null when the words have none. Without the known
 * sub-command a directory or a context name holding a space would lose its push (`git -C "my dir" -c "a=b c" push
 * URL` also reads as `git -C my dir -c "a=b c push" URL`, whose sub-command `dir` git has not). The text starts
 * at the last word that can start one before the push word: one candidate per push word, found in a table built
 * once and rebuilt once per start (a 4 KiB argv's groupings would otherwise scan back over every join each).
 */
export function keyValueTextReadings(
  words: readonly string[],
  count: number,
  syntax: FlagSyntax,
  commands: ReadonlySet<string>,
): (at: number) => string[] | null {
  const joins = words.length - count;
  if (joins < 1 || commands.size === 0) return () => null;
  // lastStart[i]: the last word at or before i that can start the text, or −1.
  const lastStart = new Int32Array(words.length);
  for (let i = 0, last = -1; i < words.length; i++) {
    const w = words[i]!;
    if ((KEY_VALUE.test(w) && flagShaped(words[i - 1], syntax)) || FLAG_KEY_VALUE.test(w)) last = i;
    lastStart[i] = last;
  }
  const byStart = new Map<number, string[] | null>();
  const readingFrom = (t: number): string[] | null => {
    const before = words.slice(0, t);
    const parsed = parseArgv(before, syntax);
    // Its sub-command: the first positional no valueless flag may own (`upgrade` after `-n prod`).
    const own = parsed.positionals.find((_, i) => !parsed.afterFlag.has(i));
    if (own === undefined || !commands.has(own)) return null;
    return [...before, words.slice(t, t + joins + 1).join(' '), ...words.slice(t + joins + 1)];
  };
  return (at) => {
    // The text holds joins + 1 words, the push word among them, and ends inside the words.
    const t = lastStart[Math.min(at, words.length - 1 - joins)] ?? -1;
    if (t < 0 || t < at - joins) return null;
    let reading = byStart.get(t);
    if (reading === undefined) {
      reading = readingFrom(t);
      byStart.set(t, reading);
    }
    return reading;
  };
}

/** A push reading's spaced arguments before its push word, when some is not `key=value` text. */
export function holdsOtherSpacedArgument(before: readonly string[]): boolean {
  return before.some((arg) => arg.includes(' ') && !isKeyValueText(arg));
}
