import { Filter, GetEventsRequest } from '../../generated/tetragon/events.js';

/**
 * The allow_list exfilwatch sends, so the agent does not ship what we do not use. Two ORed filters:
 * process lifecycle always (it carries no policy name, so `policy_names` must not be in that filter or
 * every exec would be dropped), and policy events, optionally limited to the given policies.
 */
export function buildGetEventsRequest(policyNames: readonly string[]): GetEventsRequest {
  const lifecycle = Filter.fromJSON({ event_set: ['PROCESS_EXEC', 'PROCESS_EXIT'] });
  const policy = Filter.fromJSON({
    event_set: ['PROCESS_KPROBE', 'PROCESS_TRACEPOINT', 'PROCESS_LSM', 'PROCESS_THROTTLE'],
    policy_names: [...policyNames],
  });
  return GetEventsRequest.fromJSON({ allow_list: [Filter.toJSON(lifecycle), Filter.toJSON(policy)] });
}
