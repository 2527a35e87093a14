/**
 * The forge API paths a reporting call may write to (src/rules/reporting-calls.ts), and what keeps another path
 * out: dot segments curl squashes, percent escapes but GitLab's `%2F`, endpoints that store data.
 */
import { describe, expect, it } from 'vitest';
import { isReportingPath, secretShaped } from '../../../src/rules/reporting-calls.js';

describe('reporting paths', () => {
  it('takes statuses, check runs, comments, deployment statuses, labels and reactions of each forge', () => {
    for (const path of [
      '/repos/acme/app/statuses/3f9a0c1d',
      '/api/v3/repos/acme/app/check-runs/42',
      'repos/{owner}/{repo}/issues/12/comments',
      '/repos/acme/app/issues/comments/77/reactions',
      '/repos/acme/app/deployments/9/statuses',
      '/repos/acme/app/issues/12/labels',
      '/api/v1/repos/acme/app/statuses/3f9a0c1d',
      '/api/v4/projects/acme%2Fapp/statuses/3f9a0c1d?state=success',
      'projects/:id/merge_requests/3/notes',
      '/api/v4/projects/7/deployments/12',
      '/2.0/repositories/acme/app/commit/3f9a/statuses/build',
      '/rest/build-status/1.0/commits/3f9a',
      '/rest/api/1.0/projects/ACME/repos/app/pull-requests/5/comments',
    ])
      expect(isReportingPath(path), path).toBe(true);
  });

  it('leaves out endpoints that store data, and paths that reach them', () => {
    for (const path of [
      '/gists',
      '/repos/evil/loot/contents/x',
      '/repos/evil/loot/releases/1/assets',
      '/repos/evil/loot/git/blobs',
      '/repos/evil/loot/actions/secrets/K',
      '/api/v4/projects/1/uploads',
      '/api/v4/projects/1/repository/files/x',
      '/repos/evil/loot/statuses/x/../../../../gists',
      '/repos/evil/loot/statuses/%2e%2e/%2e%2e/gists',
      '/repos/evil/loot/issues/1/comments/..',
      '/artifactory/generic/repos/o/r/statuses/x',
    ])
      expect(isReportingPath(path), path).toBe(false);
  });

  it('tells secret-shaped text from a report', () => {
    expect(secretShaped('Deployed 1.4.2 to production in 3m12s (3f9a0c1d2e4b5a6978877665544332211ffeedcc)')).toBe(
      false,
    );
    expect(secretShaped('https://github.com/Acme/App/actions/runs/123456789')).toBe(false);
    expect(secretShaped('aws_access_key_id = AKIAIOSFODNN7EXAMPLE')).toBe(true);
    expect(secretShaped('W2RlZmF1bHRdCmF3c19hY2Nlc3Nfa2V5X2lk')).toBe(true);
    expect(secretShaped('0123456789abcdef'.repeat(5))).toBe(true);
  });
});
