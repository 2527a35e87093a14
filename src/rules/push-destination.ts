/**
 * Where a recognised push goes by its flags (./recognize.ts): a host flag, a source named in the tool's own
 * files, or the tool's usual registry.
 */
import { imageRegistryHost, type ParsedArgv, scpLikeHost, urlHost } from './argv.js';
import type { OtherRemote } from './recognize.js';
import type { CommandSpec, PushToolSpec } from './types.js';

/**
 * The push's destination host: a host flag's URL host or value (`gh --hostname ghe`); a source-name flag's
 * URL host, or none when it names a source configured in the tool's own files (`cargo publish --registry
 * corp`, `nuget push -s github`, `twine upload -r pypi.corp`: the first connect decides, since the name,
 * dotted or not, says nothing an allowlist entry could trust); else the remote's host, else the tool's usual
 * registry.
 */
export function destinationHostOf(spec: PushToolSpec, parsed: ParsedArgv, host: string | null): string | null {
  const hostFlags = flagValues(spec.destinationFlags, parsed);
  if (hostFlags.length > 0)
    return oneHost(hostFlags.map((v) => urlHost(v)?.host ?? (v.includes(':/') ? null : v.toLowerCase())));
  const sourceNames = flagValues(spec.sourceNameFlags, parsed);
  if (sourceNames.length > 0) return oneHost(sourceNames.map((v) => urlHost(v)?.host ?? null));
  return host ?? (spec.destination === 'fixed' ? (spec.fixedDestination ?? null) : null);
}

/**
 * The host a repeated flag names, or null when its occurrences name different ones: which one the tool takes
 * is its parser's rule (pflag, nopt and argparse the last), so `--registry https://registry.npmjs.org/
 * --registry https://npm.evil.example/` named the first, an allowlist entry for it exempted the push, and it
 * went to the second.
 */
function oneHost(hosts: readonly (string | null)[]): string | null {
  const first = hosts[0] ?? null;
  return hosts.every((h) => h === first) ? first : null;
}

/**
 * The host a remote names, as the tool (`spec.destination`) or the command (`cmd.destination`) reads its remotes;
 * null for remotes that name none.
 */
export function destinationOf(spec: PushToolSpec, remote: string | null, cmd?: CommandSpec): string | null {
  if (!remote) return null;
  switch (cmd?.destination ?? spec.destination) {
    case 'url':
    case 'git-remote':
      return urlHost(remote)?.host ?? scpLikeHost(remote);
    case 'image-ref':
      return imageRegistryHost(remote);
    case 'ssh-target':
      return scpLikeHost(remote);
    default:
      return null;
  }
}

/**
 * Stands for the destinations a flag may name past where the sensor cut argv (Falco keeps 4 KiB): no host or
 * path entry covers it, since `--destination ghcr.io/acme/app <4 KiB> --destination quay.io/evil/x` showed only
 * the first, and an entry for it exempted the push.
 */
const PAST_THE_CUT: OtherRemote = { remote: '(argv cut by the sensor: destinations past it not seen)', host: null };

/** The other remotes argv's flags name, each with its host as destinationHostOf finds it, and PAST_THE_CUT when `cut`. */
export function otherDestinations(
  spec: PushToolSpec,
  parsed: ParsedArgv,
  others: readonly string[],
  cut: boolean,
): OtherRemote[] {
  const named = others.map((o) => ({ remote: o, host: destinationHostOf(spec, parsed, destinationOf(spec, o)) }));
  return cut ? [...named, PAST_THE_CUT] : named;
}

/** destinationHostOf gave the tool's usual registry (no host flag, source name or remote host in argv). */
export function destinationIsDefault(spec: PushToolSpec, parsed: ParsedArgv): boolean {
  return (
    spec.destination === 'fixed' &&
    spec.fixedDestination !== undefined &&
    flagValues(spec.destinationFlags, parsed).length === 0 &&
    flagValues(spec.sourceNameFlags, parsed).length === 0
  );
}

/** The values of each occurrence of the flags `names`, in argv's order. */
function flagValues(names: readonly string[] | undefined, parsed: ParsedArgv): string[] {
  if (!names) return [];
  const values: string[] = [];
  for (const x of parsed.flags) if (names.includes(x.flag) && x.value) values.push(x.value);
  return values;
}

/**
 * A source flag that is a path rather than a server (`dotnet nuget push x.nupkg --source ./feed`, `-s
 * /srv/feed`, `C:\feed`, `file:///srv/feed`): the package is published to local disk. Only a path that says
 * so by its start: NuGet looks a value up among the configured sources' names first, and a name is any
 * string, so `feeds/corp` or `.` in an attacker's NuGet.config can name a server (a relative folder feed
 * written that way is a push, to be allowlisted).
 */
export function destinationIsLocal(spec: PushToolSpec, parsed: ParsedArgv): boolean {
  // Every occurrence: a repeated flag's first one a folder and its last a server is a push (oneHost).
  const values = flagValues(spec.sourceNameFlags, parsed);
  return values.length > 0 && values.every((v) => /^(?:\/|\.{1,2}[\\/]|~[\\/]|file:|\\\\|[A-Za-z]:[\\/])/i.test(v));
}
