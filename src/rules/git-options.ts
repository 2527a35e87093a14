/**
 * git's parse-options reading of a long option (parse_long_opt): an exact name, else any unambiguous prefix
 * of one, and `--no-` before a name or any prefix of it negates it (`git push --dry` is `--dry-run`, `--no-dry`
 * is `--no-dry-run`; found by review: `git push -n --no-dry` pushed, taken for a dry run). An option named
 * `no-x` is negated as `--x`. A prefix of several options is refused by git (`--d`: `--delete` or
 * `--dry-run`), which then does nothing; it stays unknown here, so it hides nothing either.
 */

/** The long option `typed` (`--dry`, `--no-dr`) names among `names` (without `--`), or `typed`. */
export function gitLongOption(typed: string, names: readonly string[]): string {
  const arg = typed.slice(2);
  if (names.includes(arg)) return typed;
  const negated = arg.startsWith('no-');
  if (negated && names.includes(arg.slice(3))) return typed;
  const hits = new Set<string>();
  for (const name of names) {
    // `no-verify` is also `verify` negated, unless the word typed starts with `no-` itself.
    const stripped = !negated && name.startsWith('no-');
    const base = stripped ? name.slice(3) : name;
    if (stripped && arg === base) return typed;
    if (base.startsWith(arg)) hits.add(stripped ? `--${base}` : `--${name}`);
    // `--n`, `--no`, `--no-` abbreviate every option's negation: ambiguous wherever two are negatable.
    else if ('no-'.startsWith(arg)) hits.add(`--no-${name}`);
    else if (negated && name.startsWith(arg.slice(3))) hits.add(`--no-${name}`);
  }
  return hits.size === 1 ? [...hits][0]! : typed;
}
