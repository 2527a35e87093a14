/** The runtime half of `tetragon-file`: no schema here, so the daemon's module graph never loads zod. */
import type { SourceFactory } from '../types.js';
import { createJsonLinesSource } from './json-lines-source.js';
import type { TetragonFileConfig } from './schema.js';

export const tetragonFileFactory: SourceFactory<TetragonFileConfig> = {
  type: 'tetragon-file',
  configKey: 'tetragonFile',
  create: (config, deps) =>
    createJsonLinesSource(
      {
        paths: [config.path],
        format: 'tetragon',
        follow: true,
        startAt: config.startAt,
        pollIntervalMs: config.pollIntervalMs,
        maxLineBytes: config.maxLineBytes,
        type: 'tetragon-file',
      },
      deps,
    ),
};
