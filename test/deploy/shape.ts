/**
 * A minimal closed-world structural checker for custom resources that kubernetes-models does not ship
 * (ServiceMonitor, PrometheusRule, TracingPolicy): every key must be declared, every value of the declared
 * type. Deliberately small: it catches misspelled keys and wrong nesting, which is what breaks these CRs.
 */
export type Shape =
  | 'string'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'any'
  | readonly [Shape]
  | { readonly '*': Shape }
  | { readonly [key: string]: Shape };

function isMapShape(shape: object): shape is { '*': Shape } {
  return Object.keys(shape).length === 1 && '*' in shape;
}

export function shapeProblems(value: unknown, shape: Shape, path = ''): string[] {
  const at = path === '' ? '(root)' : path;
  if (shape === 'any') return [];
  if (typeof shape === 'string') {
    const ok =
      shape === 'integer'
        ? Number.isInteger(value)
        : shape === 'number'
          ? typeof value === 'number'
          : typeof value === shape;
    return ok ? [] : [`${at}: expected ${shape}, got ${JSON.stringify(value)}`];
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return [`${at}: expected a list`];
    return value.flatMap((v, i) => shapeProblems(v, shape[0] as Shape, `${path}[${i}]`));
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${at}: expected an object`];
  const entries = Object.entries(value as Record<string, unknown>);
  if (isMapShape(shape)) return entries.flatMap(([k, v]) => shapeProblems(v, shape['*'], `${path}.${k}`));
  const fields = shape as Record<string, Shape>;
  return entries.flatMap(([k, v]) =>
    k in fields
      ? shapeProblems(v, fields[k] as Shape, path === '' ? k : `${path}.${k}`)
      : [`unknown field ${path === '' ? k : `${path}.${k}`}`],
  );
}

const stringMap = { '*': 'string' } as const;
const objectMeta = { name: 'string', namespace: 'string', labels: stringMap, annotations: stringMap } as const;
const labelSelector = { matchLabels: stringMap } as const;

export const serviceMonitorShape: Shape = {
  apiVersion: 'string',
  kind: 'string',
  metadata: objectMeta,
  spec: {
    selector: labelSelector,
    namespaceSelector: { matchNames: ['string'], any: 'boolean' },
    jobLabel: 'string',
    endpoints: [
      {
        port: 'string',
        path: 'string',
        scheme: 'string',
        interval: 'string',
        scrapeTimeout: 'string',
        honorLabels: 'boolean',
        relabelings: [
          {
            sourceLabels: ['string'],
            separator: 'string',
            targetLabel: 'string',
            regex: 'string',
            replacement: 'string',
            action: 'string',
          },
        ],
      },
    ],
  },
};

export const prometheusRuleShape: Shape = {
  apiVersion: 'string',
  kind: 'string',
  metadata: objectMeta,
  spec: {
    groups: [
      {
        name: 'string',
        interval: 'string',
        rules: [
          {
            alert: 'string',
            record: 'string',
            expr: 'string',
            for: 'string',
            labels: stringMap,
            annotations: stringMap,
          },
        ],
      },
    ],
  },
};

const argSelector = { index: 'integer', operator: 'string', values: ['string'] } as const;

export const tracingPolicyShape: Shape = {
  apiVersion: 'string',
  kind: 'string',
  metadata: objectMeta,
  spec: {
    kprobes: [
      {
        call: 'string',
        syscall: 'boolean',
        return: 'boolean',
        message: 'string',
        tags: ['string'],
        ignore: { callNotFound: 'boolean' },
        args: [
          {
            index: 'integer',
            type: 'string',
            label: 'string',
            sizeArgIndex: 'integer',
            returnCopy: 'boolean',
            maxData: 'boolean',
            resolve: 'string',
          },
        ],
        returnArg: { index: 'integer', type: 'string', label: 'string' },
        selectors: [
          {
            matchArgs: [argSelector],
            matchReturnArgs: [argSelector],
            matchNamespaces: [{ namespace: 'string', operator: 'string', values: ['string'] }],
            matchBinaries: [{ operator: 'string', values: ['string'], followChildren: 'boolean' }],
            matchPIDs: [{ operator: 'string', values: ['integer'], followForks: 'boolean', isNamespacePID: 'boolean' }],
            matchActions: [{ action: 'string', rateLimit: 'string', rateLimitScope: 'string' }],
          },
        ],
      },
    ],
  },
};
