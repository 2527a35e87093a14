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

/**
 * Every destination `key` names in one `k=v,…` list: the items of a list key (LIST_KEYS), else its value. Each
 * field of the key counts, not only the last, which buildx keeps: with the quotes gone, a field inside another
 * one's quoted value reads as a field of its own (`name=quay.io/evil/x,"annotation.a=b,name=ghcr.io/acme/app"`
 * pushes to quay.io only, and its last `name=` reads as ghcr.io's), so whichever is real is among them.
 */
export function keyedValues(list: string, key: string): string[] {
  const values: string[] = [];
  let current: string | null = null;
  for (const field of list.replaceAll('"', '').split(',')) {
    const eq = field.indexOf('=');
    if (eq < 0) {
      // The rest of a quoted field (see above).
      if (current === key && values.length > 0) values[values.length - 1] += `,${field}`;
      continue;
    }
    current = field.slice(0, eq).trim().toLowerCase();
    if (current === key) values.push(field.slice(eq + 1));
  }
  const refs = LIST_KEYS.has(key) ? values.flatMap((v) => v.split(',')) : values;
  return [...new Set(refs.filter((ref) => ref !== ''))];
}
