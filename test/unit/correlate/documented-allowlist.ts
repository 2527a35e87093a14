/** The allowlist example in the ADS document (docs/ads/…, "False positives"), as operators copy it. */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

const ADS = new URL('../../../docs/ads/T1567.001-container-exfiltration.md', import.meta.url);

export function documentedAllowlist(): Array<Record<string, unknown>> {
  const text = readFileSync(ADS, 'utf8');
  const at = text.indexOf('**Allowlisting.**');
  const block = /```yaml\n([\s\S]*?)```/.exec(text.slice(at));
  if (at < 0 || block === null) throw new Error('no allowlist example in the ADS');
  return (parseYaml(block[1]!) as { allowlist: Array<Record<string, unknown>> }).allowlist;
}

/** The documented entry whose reason starts with `prefix`. */
export function documentedEntry(prefix: string): Record<string, unknown> {
  const entry = documentedAllowlist().find((e) => String(e.reason).startsWith(prefix));
  if (entry === undefined) throw new Error(`no documented allowlist entry for ${prefix}`);
  return entry;
}
