/**
 * Strict offline validation for the emulation manifests. Kinds the deploy helper knows
 * (test/deploy/k8s-validate.ts) go through it; it has no Deployment, Job or Namespace model, so those get
 * the same technique here: run kubernetes-models' validator over a proxy that records every key it reads,
 * and report any key it never read as unknown (the validator alone ignores unknown keys).
 */
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { Namespace } from 'kubernetes-models/v1';
import { hasK8sModel, k8sProblems } from '../deploy/k8s-validate.js';

interface Validatable {
  prototype: { validate(this: unknown): void };
}

const extraModels: Record<string, Validatable> = {
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'v1/Namespace': Namespace,
};

function track(value: unknown, path: string, seen: Map<string, { read: Set<string>; keys: string[] }>): unknown {
  if (Array.isArray(value)) return value.map((v, i) => track(v, `${path}[${i}]`, seen));
  if (value === null || typeof value !== 'object') return value;
  const read = new Set<string>();
  const inner: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) inner[k] = track(v, path === '' ? k : `${path}.${k}`, seen);
  seen.set(path, { read, keys: Object.keys(inner) });
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (typeof prop === 'string') read.add(prop);
      return Reflect.get(target, prop, receiver);
    },
  });
}

/** Schema violations and unknown fields of one manifest object; empty when it is valid. */
export function strictK8sProblems(obj: Record<string, unknown>): string[] {
  if (hasK8sModel(obj)) return k8sProblems(obj);
  const model = extraModels[`${String(obj.apiVersion)}/${String(obj.kind)}`];
  if (!model) return [`no Kubernetes model for ${String(obj.apiVersion)} ${String(obj.kind)}`];
  const seen = new Map<string, { read: Set<string>; keys: string[] }>();
  const proxy = track(obj, '', seen);
  const problems: string[] = [];
  try {
    model.prototype.validate.call(proxy);
  } catch (err) {
    problems.push(`schema: ${(err as Error).message}`);
  }
  for (const [path, { read, keys }] of seen) {
    for (const key of keys) if (!read.has(key)) problems.push(`unknown field ${path === '' ? key : `${path}.${key}`}`);
  }
  return problems;
}
