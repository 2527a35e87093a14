/**
 * Sensors report argv as one space-joined string (Tetragon quotes arguments that hold spaces; Falco does not):
 * its words, as ./argv.ts and the correlator read them.
 */

const [SPACE, TAB, NEWLINE, QUOTE, APOSTROPHE] = [32, 9, 10, 34, 39];
const WORD_ENDS = new Set([SPACE, TAB, NEWLINE, QUOTE, APOSTROPHE]);

/**
 * Splits a sensor's argument string into words, honouring simple single and double quotes; only the first
 * `maxWords` when given.
 */
export function tokenize(args: string | null, maxWords = Number.POSITIVE_INFINITY): string[] {
  if (!args) return [];
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  // Runs are sliced, not added a character at a time: a shell's 8 KiB inline script is split for every exec
  // of it (../correlate/shell-script-gate.ts), at ~1 µs a KiB where adding each character took ~20.
  for (let i = 0; i < args.length; ) {
    const ch = args.charCodeAt(i);
    if (ch === QUOTE || ch === APOSTROPHE) {
      // An unclosed quote runs to the end.
      const close = args.indexOf(args[i]!, i + 1);
      const end = close < 0 ? args.length : close;
      cur += args.slice(i + 1, end);
      inWord = true;
      i = end + 1;
      continue;
    }
    if (ch === SPACE || ch === TAB || ch === NEWLINE) {
      if (inWord && out.push(cur) >= maxWords) return out;
      cur = '';
      inWord = false;
      i++;
      continue;
    }
    let j = i + 1;
    while (j < args.length && !WORD_ENDS.has(args.charCodeAt(j))) j++;
    cur += args.slice(i, j);
    inWord = true;
    i = j;
  }
  if (inWord) out.push(cur);
  return out;
}

/**
 * Tetragon wraps an argument holding a blank in double quotes and escapes nothing inside (its ArgsDecoder), so an
 * argument holding double quotes too (a shell's script: `sh -c 'echo "$(cat token)" > /w/t'` arrives as
 * `-c "echo "$(cat token)" > /w/t"`) is cut at them by tokenize. When word `i` of `words` (tokenize's, of `args`)
 * does not stand in args as it was split, this takes it as running from its opening quote to the last quote of
 * args, and returns it and the text after it; null when the word was split as it stands. Only for the last
 * argument holding blanks (a later one is taken into it).
 */
export function lastQuotedArgument(
  args: string,
  words: readonly string[],
  i: number,
): { word: string; rest: string } | null {
  let offset = 0;
  for (let k = 0; k < i; k++) offset += words[k]!.length + 1;
  if (args.charCodeAt(offset) !== QUOTE) return null;
  const w = words[i]!;
  const after = offset + w.length + 2;
  if (args.startsWith(`"${w}"`, offset) && (after === args.length || args.charCodeAt(after) === SPACE)) return null;
  const end = args.lastIndexOf('"');
  if (end <= offset) return null;
  return { word: args.slice(offset + 1, end), rest: args.slice(end + 1) };
}
