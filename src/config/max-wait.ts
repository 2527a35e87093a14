/**
 * The longest wait a config key that feeds a timer may ask for. Node's timers hold at most 2^31-1 ms
 * (~24.8 days); a longer one fires after 1 ms with a TimeoutOverflowWarning, so `pollIntervalMs: 3e9`
 * (validated fine) made a busy loop that printed a warning per turn. A day is far above any sane value and
 * leaves room for the sums and multiples the code takes of these keys (a delay plus its jitter, 4× a poll).
 */
export const MAX_WAIT_MS = 24 * 3600 * 1000;

export const MAX_WAIT_MESSAGE = `at most ${MAX_WAIT_MS} (one day): it is used as a timer, and Node's timers cannot wait beyond ~24.8 days`;

/**
 * `refine` arguments for a backoff's first and longest delay: the backoff is capped at the longest, so a
 * larger first delay would be neither value. Checked only when the entry is an object and both keys are
 * valid on their own, so a value past a day is one problem, not two.
 */
export function firstDelayNotAboveLongest(
  firstKey: string,
  longestKey: string,
): [
  (config: Record<string, unknown>) => boolean,
  {
    path: string[];
    error: (issue: { input: unknown }) => string;
    when: (payload: { value: unknown; issues: ReadonlyArray<{ path?: PropertyKey[] }> }) => boolean;
  },
] {
  return [
    (c) => {
      const first = c[firstKey];
      const longest = c[longestKey];
      return typeof first !== 'number' || typeof longest !== 'number' || first <= longest;
    },
    {
      path: [longestKey],
      error: (issue) =>
        `must be at least ${firstKey} (${(issue.input as Record<string, unknown>)[firstKey]}), the first reconnect delay`,
      // Not for an entry that is no object at all (`- ` alone in a list is null): that is its one problem.
      when: (payload) =>
        payload.value !== null &&
        typeof payload.value === 'object' &&
        !payload.issues.some((i) => !i.path?.length || i.path[0] === firstKey || i.path[0] === longestKey),
    },
  ];
}
