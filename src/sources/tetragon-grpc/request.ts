import { Filter, GetEventsRequest } from '../../generated/tetragon/events.js';

/**
 * The allow_list exfilwatch sends, so the agent does not ship what we do not use. Two ORed filters:
 * events without a policy name always — process lifecycle, and `process_throttle`, the agent's report of
 * its --cgroup-rate drops (a gap) — since a `policy_names` filter never matches an event that has none (it
 * would drop every exec, and every throttle report); and policy events, optionally limited to the given
 * policies.
 */
export function buildGetEventsRequest(policyNames: readonly string[]): GetEventsRequest {
  const lifecycle = Filter.fromJSON({ event_set: ['PROCESS_EXEC', 'PROCESS_EXIT', 'PROCESS_THROTTLE'] });
  const policy = Filter.fromJSON({
    event_set: ['PROCESS_KPROBE', 'PROCESS_TRACEPOINT', 'PROCESS_LSM'],
    policy_names: [...policyNames],
  });
  return GetEventsRequest.fromJSON({ allow_list: [Filter.toJSON(lifecycle), Filter.toJSON(policy)] });
}
