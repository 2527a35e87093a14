/**
 * Command substitutions in a command's words: `echo "$(cat token)" > /workspace/t`, `printf %s "$(<token)"`, `cat
 * <<< "$(cat token)"` and backquotes put another command's stdout into the words (found by red-team: shell-quote
 * keeps a quoted `$(…)` as text, so those copies were missed; an unquoted one it parses as a subshell).
 */

/** A substitution's script, or the file `$(<FILE)` reads. */
export type Substitution = { script: string } | { file: string };

/** Substitutions read from one command's words at most (each is parsed: ./shell-copies.ts bounds their depth). */
const MAX_SUBSTITUTIONS = 8;

/** The substitutions in `text` (a command's words joined with blanks), outermost first. */
export function substitutions(text: string): Substitution[] {
  const out: Substitution[] = [];
  for (let i = 0; i < text.length && out.length < MAX_SUBSTITUTIONS; i++) {
    if (text[i] === '`') {
      const close = text.indexOf('`', i + 1);
      if (close < 0) break;
      out.push(substitution(text.slice(i + 1, close)));
      i = close;
    } else if (text[i] === '$' && text[i + 1] === '(' && text[i + 2] !== '(') {
      // Balanced: `$(cat "$(ls)")`; an unbalanced one runs to the end, as the shell would refuse it.
      let depth = 1;
      let k = i + 2;
      for (; k < text.length && depth > 0; k++) {
        if (text[k] === '(') depth++;
        else if (text[k] === ')') depth--;
      }
      out.push(substitution(text.slice(i + 2, depth === 0 ? k - 1 : k)));
      i = k - 1;
    }
  }
  return out;
}

function substitution(inner: string): Substitution {
  const file = /^\s*<\s*([^\s<>|;&()]+)\s*$/.exec(inner);
  return file === null ? { script: inner } : { file: file[1]!.replace(/^["']|["']$/g, '') };
}
