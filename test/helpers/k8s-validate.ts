/**
 * Offline validation of Kubernetes objects (the chart's rendered objects, the emulation kit's manifests),
 * stricter than kubernetes-models alone.
 *
 * kubernetes-models' validators are compiled JSON schemas that ignore unknown keys, so a misspelled
 * `runAsNonroot` passes. They do, however, read every key the schema knows (`data.runAsNonRoot`). We run the
 * real validator over a proxy of the object that records each key read: any own key the validator never
 * looked at is not in the Kubernetes schema. (Maps such as labels are iterated by the validator, so their
 * keys count as read.)
 */
import { DaemonSet, Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { ClusterRole, ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';

interface Validatable {
  prototype: { validate(this: unknown): void };
}

const models: Record<string, Validatable> = {
  'apps/v1/DaemonSet': DaemonSet,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
};

export function hasK8sModel(obj: { apiVersion?: unknown; kind?: unknown }): boolean {
  return `${String(obj.apiVersion)}/${String(obj.kind)}` in models;
}

function track(value: unknown, path: string, seen: Map<string, { read: Set<string>; keys: string[] }>): unknown {
  if (Array.isArray(value)) return value.map((v, i) => track(v, `${path}[${i}]`, seen));
  if (value !== null && typeof value === 'object') {
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
  return value;
}

/** Problems with a built-in Kubernetes object: schema violations and keys the schema does not have. */
export function k8sProblems(obj: Record<string, unknown>): string[] {
  const model = models[`${String(obj.apiVersion)}/${String(obj.kind)}`];
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
