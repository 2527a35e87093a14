/**
 * Whether `run` should load src/kubernetes/ at all: without zod or the module itself, so a daemon out of a
 * cluster (`auto` there is off) imports nothing for it.
 */
export function podSecretsMayRun(
  config: { podSecrets: 'auto' | 'on' | 'off'; kubeconfig?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (config.podSecrets === 'off') return false;
  return config.podSecrets === 'on' || config.kubeconfig !== undefined || (env.KUBERNETES_SERVICE_HOST ?? '') !== '';
}
