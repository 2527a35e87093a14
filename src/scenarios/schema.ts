/**
 * The scenario description: a small declarative YAML file (examples/scenarios/*.yaml) that says what
 * happens on which node, in which pod, when — and which alerts exfilwatch must raise for it. The generator
 * (./expand.ts, ./tetragon.ts, ./falco.ts) turns it into sensor events in both Tetragon and Falco form.
 * docs/scenarios.md documents every field with examples.
 */
import { z } from 'zod';
import { SEVERITIES } from '../model/alert.js';
import { parseBytes, parseDurationNs } from './units.js';

const refName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, ".", "_" and "-"')
  .describe('A name other steps refer to.');

/** `90s`, `2.5m`, `250ms`, `1h`, or a number of milliseconds. */
export const durationSchema = z.union([z.number().nonnegative(), z.string()]).transform((v, ctx) => {
  try {
    return parseDurationNs(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

/** `4096`, `800KB`, `64MiB`, `1.5GiB`. */
export const bytesSchema = z.union([z.number().int().nonnegative(), z.string()]).transform((v, ctx) => {
  try {
    return parseBytes(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

const processSpecSchema = z
  .object({
    binary: z.string().startsWith('/').describe('Absolute path of the executable.'),
    args: z.string().default('').describe('Arguments without argv[0], space-joined as the sensors report them.'),
    cwd: z.string().startsWith('/').optional().describe('Working directory (default `/`).'),
    uid: z.number().int().nonnegative().optional().describe('Effective uid (default 0).'),
  })
  .strict();

export const containerSchema = z
  .object({
    name: refName.describe('Reference used by steps and by `expect[].container`.'),
    node: z.string().min(1).optional().describe('Node name (default: the first of `nodes`).'),
    host: z
      .boolean()
      .default(false)
      .describe('A host process group (e.g. dockerd) rather than a container: no pod, no container id.'),
    namespace: z.string().min(1).optional(),
    pod: z.string().min(1).optional(),
    container: z.string().min(1).optional().describe('Container name inside the pod (default: `name`).'),
    image: z.string().min(1).optional().describe('`registry/repo:tag`.'),
    labels: z.record(z.string(), z.string()).default({}),
    workload: z.string().optional().describe('Owning workload name (default: derived from the pod name).'),
    workloadKind: z.string().default('Deployment'),
    init: processSpecSchema.describe("The container's pid 1 (or the host daemon): parent of top-level execs."),
    emitInit: z
      .boolean()
      .default(true)
      .describe("Emit the init process's exec at the scenario start (false: it started before the capture)."),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.host) return;
    for (const key of ['namespace', 'pod', 'image'] as const) {
      if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: `required unless host: true` });
    }
  });

const execActionSchema = processSpecSchema
  .extend({
    id: refName.describe('Process reference for later steps.'),
    parent: refName.describe('A process id, or a container name (= its init process).'),
    injected: z
      .boolean()
      .default(false)
      .describe('Started from outside by the runtime (`kubectl exec`, `kubectl cp`): parent is runc, not init.'),
  })
  .strict();

const readActionSchema = z
  .object({
    proc: refName,
    path: z
      .string()
      .startsWith('/')
      .describe('File path; with `files` > 1 it must contain `{i}` (or `{i:03}` for zero padding).'),
    files: z.number().int().min(1).default(1),
    bytes: bytesSchema.describe('Total bytes read across all files.'),
    over: durationSchema.optional().describe('Spread the reads over this long (default: a few ms per file).'),
    chunk: bytesSchema.optional().describe('Largest byte count of one read call (default 2 MiB).'),
    via: z
      .enum(['read', 'mmap'])
      .default('read')
      .describe(
        'How the files are read: read(2) calls, or mmap (as git reads files over 32 KiB and its objects): one ' +
          'mapping per file, which Tetragon reports with the file size and Falco only as the file opened.',
      ),
  })
  .strict();

const connectActionSchema = z
  .object({
    proc: refName,
    to: z
      .string()
      .regex(/^[^\s:]+:\d+$/, 'host:port')
      .describe('Destination `host:port` (host resolved via `dns`).'),
    ip: z.string().optional().describe('The IP the host resolves to (default: from the scenario `dns` map).'),
    sock: refName.optional().describe('Socket reference for send/close (default: the process id).'),
  })
  .strict();

const sendActionSchema = z
  .object({
    proc: refName,
    sock: refName.optional(),
    bytes: bytesSchema,
    over: durationSchema.optional(),
    chunk: bytesSchema.optional().describe('Largest byte count of one send call (default 2 MiB).'),
  })
  .strict();

const uploadActionSchema = connectActionSchema
  .extend({
    bytes: bytesSchema,
    over: durationSchema.optional(),
    chunk: bytesSchema.optional(),
  })
  .strict();

const closeActionSchema = z.object({ proc: refName, sock: refName.optional() }).strict();
/** The exit status and signal, alike for `exit` (one process) and `stop` (a container's processes). */
const exitFields = {
  status: z.number().int().min(0).max(255).default(0),
  signal: z
    .string()
    .regex(/^SIG[A-Z0-9]+$/)
    .optional(),
};
const exitActionSchema = z.object({ proc: refName, ...exitFields }).strict();
const stopActionSchema = z.object({ container: refName, ...exitFields }).strict();

const ACTIONS = ['exec', 'read', 'connect', 'send', 'upload', 'close', 'exit', 'stop'] as const;
export type ActionName = (typeof ACTIONS)[number];

export const stepSchema = z
  .object({
    at: durationSchema.optional().describe('Offset from the scenario start.'),
    after: durationSchema.optional().describe('Offset from the end of the previous step (default 10ms).'),
    late: durationSchema
      .optional()
      .describe('Emit this step’s events this much later than their event time (out-of-order delivery).'),
    note: z.string().optional(),
    exec: execActionSchema.optional(),
    read: readActionSchema.optional(),
    connect: connectActionSchema.optional(),
    send: sendActionSchema.optional(),
    upload: uploadActionSchema.optional(),
    close: closeActionSchema.optional(),
    exit: exitActionSchema.optional(),
    stop: stopActionSchema.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const given = ACTIONS.filter((a) => s[a] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `a step needs exactly one of ${ACTIONS.join(', ')} (got ${given.length})`,
      });
    }
    if (s.at !== undefined && s.after !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'give either at or after, not both' });
    }
  });

export const expectedAlertSchema = z
  .object({
    rule: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'kebab-case rule id'),
    severity: z.enum(SEVERITIES as [string, ...string[]]),
    container: refName.describe('The container the alert is about (a `containers[].name`).'),
    tool: z.string().optional().describe('Expected `push.tool`.'),
    destination: z.string().optional().describe('Expected `push.destination` (host, or ip:port).'),
    sensor: z
      .enum(['tetragon', 'falco'])
      .optional()
      .describe("Only this sensor's form raises it: the other cannot see what decides it (e.g. mmap reads)."),
  })
  .strict();

export const scenarioSchema = z
  .object({
    name: refName.describe('Must equal the file name without `.yaml`.'),
    kind: z.enum(['attack', 'benign']).describe('What the demo counts: attacks caught, benign quiet.'),
    title: z.string().min(1),
    description: z.string().default(''),
    seed: z.number().int().nonnegative().default(0).describe('Mixed with the name to seed ids, pids and jitter.'),
    start: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, 'RFC 3339 UTC, whole seconds')
      .default('2026-03-02T09:00:00Z'),
    nodes: z.array(z.string().min(1)).min(1).default(['worker-1']),
    dns: z.record(z.string(), z.string()).default({}).describe('host → IP as the scenario resolves it.'),
    containers: z.array(containerSchema).min(1),
    steps: z.array(stepSchema).min(1),
    secrets: z
      .array(z.string().min(6))
      .default([])
      .describe('Strings in the input that must never appear in alerts or logs (tokens, passwords).'),
    config: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('exfilwatch config (e.g. an allowlist) the scenario runs with.'),
    demo: z.boolean().default(true).describe('Whether `exfilwatch demo` replays this scenario.'),
    expect: z.union([z.literal('none'), z.array(expectedAlertSchema).min(1)]),
  })
  .strict();

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioContainer = z.output<typeof containerSchema>;
export type ScenarioStep = z.output<typeof stepSchema>;
export type ExpectedAlert = z.output<typeof expectedAlertSchema>;
export type ProcessSpec = z.output<typeof processSpecSchema>;

/** The alerts a scenario expects from one sensor's form of its events. */
export function expectedFor(s: Pick<Scenario, 'expect'>, form: 'tetragon' | 'falco'): ExpectedAlert[] {
  return s.expect === 'none' ? [] : s.expect.filter((e) => e.sensor === undefined || e.sensor === form);
}
