/**
 * Every sink type exfilwatch knows, as the daemon builds them. Adding one = its folder + one line here and
 * one in schemas.ts (its config schema; a test checks that both list the same types in the same order).
 * No entry here holds a schema: this is the daemon's long-lived module graph, which never loads zod.
 */
import { natsSinkFactory } from './nats/factory.js';
import { stdoutSinkFactory } from './stdout/factory.js';
import type { SinkFactory } from './types.js';

// biome-ignore lint/suspicious/noExplicitAny: each entry carries its own config type.
export const sinkDefinitions: ReadonlyArray<SinkFactory<any>> = [natsSinkFactory, stdoutSinkFactory];
