/**
 * Says a trouble once when it starts, then at most once a `repeatMs` with how often it recurred (debug in
 * between), and its end once: a refusal that lasts hours is retried every 15 s, and a warning per try buried
 * the lines that matter.
 */
import type { Logger } from '../../telemetry/logger.js';

export interface EpisodeLog {
  /** `key` names the trouble; a different `same` within it (another cause) is said at once. */
  say(key: string, level: 'warn' | 'error', fields: Record<string, unknown>, msg: string, same: string): void;
  /** Ends the episode `key` (nothing when none is running), saying `msg` at info with the repeats it had. */
  end(key: string, fields: Record<string, unknown>, msg: string): void;
}

export function createEpisodeLog(logger: Logger, repeatMs = 60_000, now: () => number = Date.now): EpisodeLog {
  const said = new Map<string, { same: string; at: number; repeats: number; total: number }>();
  return {
    say(key, level, fields, msg, same) {
      const last = said.get(key);
      const t = now();
      if (last === undefined || last.same !== same || t - last.at >= repeatMs) {
        const repeats = last?.same === same && last.repeats > 0 ? { repeatedSinceLastLine: last.repeats } : {};
        said.set(key, { same, at: t, repeats: 0, total: (last?.total ?? 0) + 1 });
        logger[level]({ ...fields, ...repeats }, msg);
      } else {
        last.repeats++;
        last.total++;
        logger.debug(fields, msg);
      }
    },
    end(key, fields, msg) {
      const last = said.get(key);
      if (last === undefined) return;
      said.delete(key);
      logger.info({ ...fields, failedTries: last.total }, msg);
    },
  };
}
