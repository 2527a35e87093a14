/**
 * Pushes whose upload another process makes for the client (PushRecognition.viaBuilder): a docker daemon,
 * BuildKit, a podman service. The client's own connections then go to that uploader, not to the registry.
 */
import type { ParsedArgv } from './argv.js';
import type { CommandSpec, PushToolSpec } from './types.js';

/** Does a daemon, BuildKit or a remote service upload what this command (run as `name`) hands it? */
export function uploadedForClient(spec: PushToolSpec, cmd: CommandSpec, name: string, parsed: ParsedArgv): boolean {
  if (cmd.clientUploads === true) return false;
  if (spec.bridged === true || spec.builderClient === true || cmd.builderUploads === true) return true;
  const remote = spec.remoteClient;
  if (remote === undefined) return false;
  if (remote.binaries.includes(name)) return true;
  return parsed.flags.some((f) => remote.flags.includes(f.flag) && !/^(?:false|0)$/i.test(f.value ?? ''));
}
