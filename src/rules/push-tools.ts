/**
 * The push-tool table: every way exfilwatch recognises "this process is uploading to a forge or a
 * registry" from its command line, declared in ./tools/ by family. Data, not code: ./recognize.ts
 * interprets it. Adding a tool is one entry in ./tools/*.ts (with `examples`, checked by test/unit/rules)
 * plus a scenario in test/unit/correlate.
 *
 * Pushes that no entry recognises (in-process git libraries, custom uploaders) are still caught by their
 * egress: many bytes towards a destination classed as a forge or registry (see docs/detection.md).
 */
import { builderTools } from './tools/builders.js';
import { cloudCliTools } from './tools/cloud-clis.js';
import { cloudDeployTools } from './tools/cloud-deploys.js';
import { clusterDeployTools } from './tools/cluster-deploys.js';
import { composeBakeTools } from './tools/compose-bake.js';
import { cosignTools } from './tools/cosign.js';
import { forgeCliTools } from './tools/forge-clis.js';
import { forgeSettingTools } from './tools/forge-settings.js';
import { gitTools } from './tools/git.js';
import { httpTools } from './tools/http.js';
import { imageBuildTools } from './tools/image-builds.js';
import { installerTools } from './tools/installers.js';
import { jvmBuildTools } from './tools/jvm-builds.js';
import { kubectlTools } from './tools/kubectl.js';
import { nixTools } from './tools/nix.js';
import { ociClientTools } from './tools/oci-clients.js';
import { packageTools } from './tools/packages.js';
import { publisherTools } from './tools/publishers.js';
import { registryTools } from './tools/registry.js';
import { vcsTools } from './tools/vcs.js';
import type { PushToolSpec } from './types.js';

/** Order matters only for ties: the first entry that recognises a process names its tool. */
export const pushTools: readonly PushToolSpec[] = [
  ...gitTools,
  ...forgeCliTools,
  ...forgeSettingTools,
  ...registryTools,
  ...composeBakeTools,
  ...kubectlTools,
  ...ociClientTools,
  ...cosignTools,
  ...builderTools,
  ...imageBuildTools,
  ...clusterDeployTools,
  ...jvmBuildTools,
  ...packageTools,
  ...publisherTools,
  ...nixTools,
  ...installerTools,
  ...vcsTools,
  ...cloudCliTools,
  ...cloudDeployTools,
  ...httpTools,
];
