/**
 * The config file's schema, composed from the schemas that live next to each component (source and sink
 * registries, correlator, allowlist). One declaration yields the type, the validation and CONFIGURATION.md.
 */
import { z } from 'zod';
import { allowlistEntrySchema } from '../correlate/allowlist-schema.js';
import { correlatorConfigSchema } from '../correlate/config.js';
import { kubernetesConfigSchema } from '../kubernetes/config.js';
import { sinkSchemaDefinitions } from '../sinks/schemas.js';
import { sourceSchemaDefinitions } from '../sources/schemas.js';
import { LOG_LEVELS } from '../telemetry/logger.js';
import { MAX_WAIT_MESSAGE, MAX_WAIT_MS } from './max-wait.js';

function sourcesSchema() {
  const shape: Record<string, z.ZodType> = {};
  for (const def of sourceSchemaDefinitions) {
    shape[def.configKey] = z
      .array(def.schema)
      .default([])
      .describe(`\`${def.type}\` sources (one entry per sensor endpoint).`);
  }
  return z.object(shape).strict();
}

function sinksSchema() {
  const shape: Record<string, z.ZodType> = {};
  for (const def of sinkSchemaDefinitions) {
    // An enabled-by-default sink's section is never absent from a validated config: the daemon builds
    // sinks from validated sections as they are (src/sinks/types.ts, SinkFactory), defaults included.
    shape[def.configKey] = (def.enabledByDefault ? def.schema.prefault({}) : def.schema.optional()).describe(
      `\`${def.type}\` alert sink.`,
    );
  }
  return z.object(shape).strict();
}

export const pipelineConfigSchema = z
  .object({
    eventQueueCapacity: z
      .number()
      .int()
      .min(1)
      .default(65_536)
      .describe('Sensor → correlator queue size. When full the newest events are dropped, counted and marked.'),
    alertQueueCapacity: z
      .number()
      .int()
      .min(1)
      .default(1024)
      .describe(
        "Correlator → sinks queue size. When full the correlator waits: alerts are never dropped here. Each sink then has its own queue (`sinks.<name>.queueCapacity`), so the correlator waits only for a sink whose full queue blocks (`whenFull: block`: NATS when its spool's disk stops taking appends, every sink in `scan`).",
      ),
    shutdownTimeoutMs: z
      .number()
      .int()
      .min(0)
      .max(MAX_WAIT_MS, { message: MAX_WAIT_MESSAGE })
      .default(10_000)
      .describe('On SIGTERM, how long to wait for pending alerts to be delivered or spooled.'),
    warmUpMs: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .default(1000)
      .describe(
        "`run` with a Tetragon gRPC or a Falco (falco-http, falco-grpc) source: before the sensors are connected, run a synthetic stream in each of their formats (Tetragon's wire messages, Falco's alert JSON through the receiver's body parsing) through the hot code (at most 60,000 events in all) and, with a Tetragon gRPC source, at the same time through each ingest worker's gRPC receive path over loopback (20,000 messages), for up to this long (counted once its streams are built, a few ms on an idle node), so that the first events of a busy node do not wait for the JIT (docs/latency.md). 0 turns it off.",
      ),
  })
  .strict();

export const metricsConfigSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Serve /metrics, /healthz and /readyz.'),
    listen: z.string().default('0.0.0.0:9464').describe('HOST:PORT for /metrics, /healthz and /readyz.'),
  })
  .strict();

export function buildConfigSchema() {
  return z
    .object({
      node: z
        .string()
        .min(1)
        .optional()
        .describe('Node name for events that carry none. Default: $NODE_NAME (downward API), else the hostname.'),
      logLevel: z.enum(LOG_LEVELS).default('info').describe('Log level (logs are JSON on stderr).'),
      sources: sourcesSchema().prefault({}).describe('Where events come from.'),
      correlator: correlatorConfigSchema.prefault({}).describe('Detection windows, thresholds and caps.'),
      allowlist: z
        .array(allowlistEntrySchema)
        .default([])
        .describe('Exemptions: a container is exempt when all fields given in one entry match.'),
      sinks: sinksSchema().prefault({}).describe('Where alerts go.'),
      metrics: metricsConfigSchema.prefault({}).describe('The operations HTTP endpoint of `run`.'),
      pipeline: pipelineConfigSchema.prefault({}).describe('Internal queues and shutdown.'),
      kubernetes: kubernetesConfigSchema
        .prefault({})
        .describe("What `run` learns from the Kubernetes API server: the secret mounts of this node's pods."),
    })
    .strict();
}

export type ExfilwatchConfig = z.infer<ReturnType<typeof buildConfigSchema>>;

/**
 * The config file's JSON Schema as a user writes it (input side: defaults optional): what CONFIGURATION.md is
 * rendered from and what an unknown key's "did you mean" searches, so both know the same keys.
 */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(buildConfigSchema(), { io: 'input', unrepresentable: 'any' });
}
