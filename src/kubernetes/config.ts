/**
 * The `kubernetes` config section: what exfilwatch learns from the API server about the pods of its node.
 */
import { z } from 'zod';

export const POD_SECRETS_MODES = ['auto', 'on', 'off'] as const;
export type PodSecretsMode = (typeof POD_SECRETS_MODES)[number];

export const kubernetesConfigSchema = z
  .object({
    podSecrets: z
      .enum(POD_SECRETS_MODES)
      .default('auto')
      .describe(
        "`run` only: list and watch this node's pods (`spec.nodeName`) through the API server and make reads under the paths where a pod mounts a Secret (`secret` volumes, `projected` volumes with `secret` or `serviceAccountToken` sources (only their named files where each names them: not a `configMap` projected beside), CSI `secrets-store.csi.k8s.io`; a `subPath` mount names one file) sensitive for that pod's container, as `reads.extraSensitivePaths` would. `auto`: on when running in a cluster (KUBERNETES_SERVICE_HOST and the service-account token exist), `on`: always (with `kubeconfig` out of a cluster), `off`: never. `scan` and `demo` never call the API. Needs RBAC `get`/`list`/`watch` on `pods` (the chart's ClusterRole). An API server that cannot be reached or refuses is logged, counted in exfilwatch_kubernetes_api_errors_total and retried with back-off; detection then falls back to paths. At start the correlator waits (beside the warm-up, at most 3 s) for the first pod list; an API server down then neither blocks the start nor makes the daemon unready.",
      ),
    kubeconfig: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Out of a cluster: a kubeconfig file whose current context names the API server (`server`, `certificate-authority` or `-data`, `insecure-skip-tls-verify`) and a bearer `token` or `tokenFile`. Client certificates and exec plugins are not read. Default: the in-cluster service account.',
      ),
    maxPods: z
      .number()
      .int()
      .min(1)
      .default(2048)
      .describe(
        "Pods with secret mounts kept at once (a node runs at most a few hundred). Past it, a new pod's mounts are not kept and counted in exfilwatch_pod_secrets_dropped_total.",
      ),
    watchTimeoutSeconds: z
      .number()
      .int()
      .min(10)
      .max(3600)
      .default(300)
      .describe('How long one watch request lasts before it is renewed from its last resourceVersion.'),
  })
  .strict();

export type KubernetesConfig = z.infer<typeof kubernetesConfigSchema>;
