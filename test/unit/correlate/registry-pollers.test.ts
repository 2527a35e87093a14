/**
 * A controller that polls registries in its own process sends requests, and those add up like any process's
 * egress: Argo CD Image Updater (`run --interval 2m`) lists every watched image's tags each cycle, with an auth
 * challenge and a token request before each list (~2.5 KiB of requests per image and cycle, HTTP/1.1 headers
 * and the bearer token each time). The same process reloads its service-account token, so when the polls pass
 * `egressPushMinBytes` to one registry they are a push by egress with the pusher's own token:
 * `sensitive-read-then-push`, high (routineSecret counts a reader's own push on purpose). Measured at that
 * rate, a connection a cycle, for 70 minutes: 13 images nothing, 14 high. Found by review of the CI/CD controller
 * scenarios, whose write-back scenario polls once; docs/detection.md, "CI/CD controllers, checked", gives the
 * entry. Flux's image-reflector-controller scans its ImageRepositories the same way.
 */
import { describe, expect, it } from 'vitest';
import { brief, type Proc, runResolved, Scenario } from './builder.js';

const GHCR = '140.82.121.33';
const TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const REQUESTS_PER_IMAGE = 2500;

function updater(s: Scenario): Proc {
  const c = s.container({
    namespace: 'argocd',
    pod: 'argocd-image-updater-5f7b8c9d4-h2j6k',
    image: 'quay.io/argoprojlabs/argocd-image-updater:v0.15.2',
  });
  return s.init(c, '/usr/local/bin/argocd-image-updater', 'run --interval 2m');
}

/** `minutes` of client-go's token reloads, with a poll of `images` tags lists every second minute. */
function polling(images: number, minutes: number) {
  const s = new Scenario();
  const u = updater(s);
  for (let m = 0; m < minutes; m++) {
    s.wait(60_000).read(u, TOKEN, 1100);
    if (m % 2 !== 0) continue;
    s.connect(u, GHCR, 443, { cookie: `${m + 1}` });
    for (let i = 0; i < images; i++) s.send(u, GHCR, 443, REQUESTS_PER_IMAGE, { cookie: `${m + 1}` });
  }
  return s.events;
}

const ENTRY = {
  namespace: 'argocd',
  image: 'quay.io/argoprojlabs/argocd-image-updater:*',
  binary: '/usr/local/bin/argocd-image-updater',
  destination: 'ghcr.io',
  reason: 'Argo CD Image Updater polls the tags of the watched images',
};

describe("Argo CD Image Updater's registry polling", () => {
  it('10 images polled every 2 minutes for 70 minutes are no push', async () => {
    expect(brief((await runResolved(polling(10, 70))).alerts)).toEqual([]);
  });

  it('40 images are a push by egress with its own token, high; the entry quiets it', async () => {
    const events = polling(40, 70);
    expect(brief((await runResolved(events)).alerts)).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'argocd-image-updater', destination: 'ghcr.io' },
    ]);
    expect((await runResolved(events, { allowlist: [ENTRY] })).alerts).toEqual([]);
  });
});
