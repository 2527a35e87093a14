/**
 * "did you mean" for an unknown config key: the known key at the same place nearest in spelling, found in
 * the JSON Schema of the config (what CONFIGURATION.md is rendered from), so it knows every key the
 * schema does. A typo (`adress`, `windowMS`) then names its fix instead of leaving the reader to search
 * CONFIGURATION.md for it. Config side only: the daemon never loads this.
 */
import { distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { buildConfigSchema } from './schema.js';

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  allOf?: SchemaNode[];
}

let cached: SchemaNode | undefined;

function variants(nodes: SchemaNode[]): SchemaNode[] {
  return nodes.flatMap((n) => {
    const alternatives = [...(n.anyOf ?? []), ...(n.oneOf ?? []), ...(n.allOf ?? [])];
    return alternatives.length > 0 ? [n, ...variants(alternatives)] : [n];
  });
}

/** The keys the schema allows in the object at `path` (list indexes walk into the items). */
function knownKeysAt(path: ReadonlyArray<PropertyKey>): string[] {
  cached ??= z.toJSONSchema(buildConfigSchema(), { io: 'input', unrepresentable: 'any' }) as SchemaNode;
  let nodes: SchemaNode[] = [cached];
  for (const key of path) {
    nodes = variants(nodes).flatMap((n) => {
      const next = typeof key === 'number' ? n.items : n.properties?.[String(key)];
      return next ? [next] : [];
    });
  }
  return [...new Set(variants(nodes).flatMap((n) => Object.keys(n.properties ?? {})))];
}

/**
 * The known key `unknown` most likely meant, or null: case aside the same, or within a third of its length
 * in edits (at least one), and nearer than any other.
 */
export function suggestKey(path: ReadonlyArray<PropertyKey>, unknown: string): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(1, Math.floor(unknown.length / 3));
  for (const known of knownKeysAt(path)) {
    if (known.toLowerCase() === unknown.toLowerCase()) return known;
    const d = distance(unknown.toLowerCase(), known.toLowerCase());
    if (d < bestDistance || (d === bestDistance && best === null)) {
      best = known;
      bestDistance = d;
    }
  }
  return best;
}
