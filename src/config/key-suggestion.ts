/**
 * "did you mean" for an unknown config key: the known key at the same place nearest in spelling, found in
 * the JSON Schema of the config (what CONFIGURATION.md is rendered from), so it knows every key the
 * schema does. A typo (`adress`, `windowMS`) then names its fix instead of leaving the reader to search
 * CONFIGURATION.md for it. A key that is right but in the wrong object (`connectTimeoutMs` under
 * `sinks.nats`, `mode` at the top) is named where it belongs instead: the nearest spelling there is
 * another setting (`reconnectTimeWaitMs`, `node`), and following it would change the wrong thing.
 * Config side only: the daemon never loads this.
 */
import { distance } from 'fastest-levenshtein';
import { configJsonSchema } from './schema.js';

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  allOf?: SchemaNode[];
}

let cached: SchemaNode | undefined;
const schemaRoot = () => (cached ??= configJsonSchema() as SchemaNode);

function variants(nodes: SchemaNode[]): SchemaNode[] {
  return nodes.flatMap((n) => {
    const alternatives = [...(n.anyOf ?? []), ...(n.oneOf ?? []), ...(n.allOf ?? [])];
    return alternatives.length > 0 ? [n, ...variants(alternatives)] : [n];
  });
}

/** The keys the schema allows in the object at `path` (list indexes walk into the items). */
function knownKeysAt(path: ReadonlyArray<PropertyKey>): string[] {
  let nodes: SchemaNode[] = [schemaRoot()];
  for (const key of path) {
    nodes = variants(nodes).flatMap((n) => {
      const next = typeof key === 'number' ? n.items : n.properties?.[String(key)];
      return next ? [next] : [];
    });
  }
  return [...new Set(variants(nodes).flatMap((n) => Object.keys(n.properties ?? {})))];
}

/**
 * The objects (as CONFIGURATION.md names them: `sinks.nats.stream`, `allowlist[]`) that allow `key`, case
 * aside, and the key as they spell it.
 */
function placesOf(key: string): { spelled: string; places: string[] } | null {
  const wanted = key.toLowerCase();
  let spelled: string | null = null;
  const places = new Set<string>();
  const walk = (node: SchemaNode, at: string) => {
    for (const n of variants([node])) {
      const found = Object.keys(n.properties ?? {}).find((k) => k.toLowerCase() === wanted);
      if (found !== undefined) {
        spelled ??= found;
        places.add(at === '' ? 'the top level' : at);
      }
      if (n.items) walk(n.items, `${at}[]`);
      for (const [name, child] of Object.entries(n.properties ?? {})) walk(child, at === '' ? name : `${at}.${name}`);
    }
  };
  walk(schemaRoot(), '');
  return spelled === null ? null : { spelled, places: [...places] };
}

/**
 * The known key at `path` that `unknown` most likely meant, or null: within a third of its length in edits
 * (at least one), case aside, and nearer than any other (a tie suggests nothing).
 */
function nearestKey(path: ReadonlyArray<PropertyKey>, unknown: string): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(1, Math.floor(unknown.length / 3));
  // Two keys as near as each other: either would be a guess, and a wrong one reads as an instruction.
  let tied = false;
  for (const known of knownKeysAt(path)) {
    const d = distance(unknown.toLowerCase(), known.toLowerCase());
    if (d < bestDistance || (d === bestDistance && best === null)) {
      best = known;
      bestDistance = d;
      tied = false;
    } else if (d === bestDistance) tied = true;
  }
  return tied ? null : best;
}

/**
 * What to say after an unknown key at `path`: the known key it most likely meant there (` (did you mean
 * "windowMs"?)`), where it belongs when it is a key of other objects only (` (a key of sinks.nats.stream,
 * not of this object)`), or nothing.
 */
export function unknownKeyHint(path: ReadonlyArray<PropertyKey>, unknown: string): string {
  const here = knownKeysAt(path).find((k) => k.toLowerCase() === unknown.toLowerCase());
  if (here !== undefined) return ` (did you mean "${here}"?)`;
  const elsewhere = placesOf(unknown);
  if (elsewhere !== null) {
    const spelled = elsewhere.spelled === unknown ? 'a key' : `"${elsewhere.spelled}" is a key`;
    return ` (${spelled} of ${elsewhere.places.join(', ')}, not of this object)`;
  }
  const meant = nearestKey(path, unknown);
  return meant === null ? '' : ` (did you mean "${meant}"?)`;
}
