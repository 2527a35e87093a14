/** Regenerates CONFIGURATION.md from the zod schemas (`npm run gen:config-docs`). */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigDocs } from '../src/config/docs.js';

const target = fileURLToPath(new URL('../CONFIGURATION.md', import.meta.url));
writeFileSync(target, renderConfigDocs());
process.stderr.write(`wrote ${target}\n`);
