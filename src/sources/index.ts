/**
 * Every source type exfilwatch knows, as the daemon builds them. Adding one = its folder + one line here
 * and one in schemas.ts (its config schema; a test checks that both list the same types in the same order).
 * No entry here holds a schema: this is the daemon's long-lived module graph, which never loads zod.
 */
import { falcoGrpcFactory } from './falco-grpc/factory.js';
import { falcoHttpFactory } from './falco-http/factory.js';
import { tetragonFileFactory } from './tetragon-file/factory.js';
import { tetragonGrpcFactory } from './tetragon-grpc/factory.js';
import type { SourceFactory } from './types.js';

// biome-ignore lint/suspicious/noExplicitAny: each entry carries its own config type.
export const sourceDefinitions: ReadonlyArray<SourceFactory<any>> = [
  tetragonGrpcFactory,
  tetragonFileFactory,
  falcoHttpFactory,
  falcoGrpcFactory,
];
