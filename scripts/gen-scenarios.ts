/**
 * Regenerates examples/scenarios/generated/ from the scenario descriptions in examples/scenarios/*.yaml:
 * `<name>.tetragon.jsonl` and `<name>.falco.jsonl` per scenario, plus `background.*.jsonl` (benign noise).
 * Deterministic: running it twice gives no diff. `--check` writes nothing and exits 1 when a committed
 * file is stale (a test runs the same comparison).
 *
 *   npm run gen:scenarios            # write
 *   npm run gen:scenarios -- --check # verify
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  defaultScenarioDir,
  generateBackground,
  generateScenario,
  loadScenarios,
  renderFalco,
  renderTetragon,
} from '../src/scenarios/index.js';

export function expectedFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const text = (lines: string[]): string => `${lines.join('\n')}\n`;
  for (const scenario of loadScenarios(dir)) {
    const generated = generateScenario(scenario);
    files.set(`${scenario.name}.tetragon.jsonl`, text(generated.tetragon));
    files.set(`${scenario.name}.falco.jsonl`, text(generated.falco));
  }
  const background = generateBackground({ durationMs: 300_000, periodS: 15 });
  files.set('background.tetragon.jsonl', text(renderTetragon(background)));
  files.set('background.falco.jsonl', text(renderFalco(background)));
  return files;
}

function main(): number {
  const check = process.argv.includes('--check');
  const dir = defaultScenarioDir();
  const outDir = join(dir, 'generated');
  const files = expectedFiles(dir);
  const stale: string[] = [];
  if (!check) mkdirSync(outDir, { recursive: true });
  for (const [name, content] of files) {
    const path = join(outDir, name);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : null;
    if (current === content) continue;
    stale.push(name);
    if (!check) writeFileSync(path, content);
  }
  const extra = existsSync(outDir) ? readdirSync(outDir).filter((f) => f.endsWith('.jsonl') && !files.has(f)) : [];
  for (const name of extra) {
    stale.push(`${name} (no scenario)`);
    if (!check) unlinkSync(join(outDir, name));
  }
  if (check) {
    if (stale.length > 0) {
      process.stderr.write(`stale generated scenario files (run npm run gen:scenarios):\n  ${stale.join('\n  ')}\n`);
      return 1;
    }
    process.stdout.write(`${files.size} generated scenario files are up to date\n`);
    return 0;
  }
  process.stdout.write(`${files.size} files in ${outDir} (${stale.length} changed)\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main();
