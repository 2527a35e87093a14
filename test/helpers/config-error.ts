import { ConfigError } from '../../src/errors.js';

/** The ConfigError a call throws, or a failure when it throws none (or another kind). */
export function configErrorOf(call: () => unknown): ConfigError {
  try {
    call();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}
