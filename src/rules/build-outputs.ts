/**
 * BuildKit's output and cache option lists (`--output type=image,name=REF,push=true`, `--cache-to
 * type=registry,ref=REF`): `key=value` fields, which buildx and buildctl read as one CSV record (a field in
 * double quotes may hold commas: `type=image,"name=a/x:1,b/y:2",push=true`), keys trimmed and lowercased,
 * the last of a key winning.
 *
 * The words reach us without those quotes (the sensors' argv text keeps a word's own `"` indistinguishable
 * from its quoting, and ./tokenize.ts drops both), so the record is not parsed as CSV: a field with no `=`
 * is read as the rest of the field before it. buildx refuses a build whose list has a field without `=`
 * ("invalid value"), so such a field was inside that field's quotes.
 */

/**
 * Keys whose value is a comma-separated list, each item a destination: BuildKit's image exporter pushes to every
 * name its `name=` lists (buildx joins its `-t` tags into one the same way). A cache's `ref=` is one reference.
 */
const LIST_KEYS: ReadonlySet<string> = new Set(['name']);

/** The value of `key` in one `k=v,…` list, or null when absent or empty. */
export function keyedValue(list: string, key: string): string | null {
  let value: string | null = null;
  let current: string | null = null;
  for (const field of list.replaceAll('"', '').split(',')) {
    const eq = field.indexOf('=');
    if (eq < 0) {
      // The rest of a quoted field (see above).
      if (current === key && value !== null) value += `,${field}`;
      continue;
    }
    current = field.slice(0, eq).trim().toLowerCase();
    if (current === key) value = field.slice(eq + 1);
  }
  return value || null;
}

/** Every destination `key` names in one list: the items of a list key (LIST_KEYS), else its one value. */
export function keyedValues(list: string, key: string): string[] {
  const value = keyedValue(list, key);
  if (value === null) return [];
  return LIST_KEYS.has(key) ? value.split(',').filter((ref) => ref !== '') : [value];
}
