/**
 * A signing tool's own key (PushToolSpec.signingKeyFlags: `cosign sign --key cosign.key`): what it reads of
 * that file stays on the machine, only a signature made with it leaves. Release jobs sign right after
 * checking out or writing their key, and a key file (`*.key`) is sensitive: counted, every signed release
 * was `sensitive-read-then-push`. Reads of the key by any other process (`cat cosign.key`) still count.
 */
import { basename, type ParsedArgv } from './argv.js';

/** Key references that are no file on this machine: KMS, Kubernetes secrets, env vars, hardware tokens. */
const NOT_A_FILE = /^(?:[a-z][a-z0-9+.-]*:\/\/|pkcs11:|env:)/i;

/** What tools without signing-key flags get: shared, so recognising a process allocates nothing for it. */
const NONE: readonly string[] = Object.freeze([]);

/**
 * The files `flags` name as signing keys, unless the same file is named elsewhere in argv too (`--predicate
 * cosign.key --key cosign.key` sends the key as the payload): a basename anywhere else is enough to count it.
 */
export function signingKeyFiles(flags: readonly string[] | undefined, parsed: ParsedArgv): readonly string[] {
  if (flags === undefined) return NONE;
  const keys: string[] = [];
  for (const f of parsed.flags) {
    if (f.value === null || f.value === '' || !flags.includes(f.flag) || NOT_A_FILE.test(f.value)) continue;
    const name = basename(f.value);
    const elsewhere = (w: string | null) => w !== null && w !== f.value && w.includes(name);
    if (parsed.positionals.some(elsewhere) || parsed.flags.some((o) => o !== f && elsewhere(o.value))) continue;
    keys.push(f.value);
  }
  return keys.length > 0 ? keys : NONE;
}

/** `path` (absolute, as the sensor names it) is one of `keys` (as argv gave them, maybe relative to the cwd). */
export function isSigningKey(keys: readonly string[], path: string): boolean {
  for (const k of keys) {
    if (k.startsWith('/')) {
      if (path === k) return true;
      continue;
    }
    const rel = k.replace(/^(?:\.\/)+/, '');
    if (rel !== '' && !rel.startsWith('../') && path.endsWith(`/${rel}`)) return true;
  }
  return false;
}
