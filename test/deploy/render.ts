/** Renders the chart with the real helm binary and parses the objects it emits. */
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { helmTemplate, repoRoot } from '../helpers/helm.js';

export const chartDir = join(repoRoot, 'deploy', 'helm', 'exfilwatch');
export const valuesAll = join(repoRoot, 'test', 'deploy', 'values-all.yaml');

export type K8sObject = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
};

export function parseObjects(yamlText: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(yamlText)) {
    if (doc.errors.length > 0) throw new Error(`rendered YAML does not parse: ${doc.errors[0]?.message}`);
    const obj = doc.toJS() as K8sObject | null;
    if (obj !== null) objects.push(obj);
  }
  return objects;
}

const cache = new Map<string, string>();

/** Rendered objects (helm runs once per distinct argument list; callers get fresh copies to mutate). */
export function render(args: string[] = []): K8sObject[] {
  const key = JSON.stringify(args);
  let text = cache.get(key);
  if (text === undefined) {
    text = helmTemplate(chartDir, args);
    cache.set(key, text);
  }
  return parseObjects(text);
}

export function one(objects: K8sObject[], kind: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind);
  if (found.length !== 1) throw new Error(`expected exactly one ${kind}, got ${found.length}`);
  return found[0] as K8sObject;
}
