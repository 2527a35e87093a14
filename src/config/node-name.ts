import { hostname } from 'node:os';

/** The node name events without one get: `node` from the config, else NODE_NAME (downward API), else the hostname. */
export function resolveNodeName(config: { node?: string | undefined }, env: NodeJS.ProcessEnv = process.env): string {
  return config.node ?? env.NODE_NAME ?? hostname();
}
