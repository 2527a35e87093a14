import { describe, expect, it } from 'vitest';
import { imageRegistryHost, parseArgv, scpLikeHost, tokenize, urlHost } from '../../../src/rules/argv.js';

describe('argv helpers', () => {
  it('tokenizes quoted arguments', () => {
    expect(tokenize(`-c "a b" 'c d' e`)).toEqual(['-c', 'a b', 'c d', 'e']);
    expect(tokenize(null)).toEqual([]);
  });
  it('parses combined curl short flags and attached values', () => {
    const p = parseArgv(['-sSXPUT', '-d@/tmp/x', 'https://h/p'], { valueShortLetters: 'dX' });
    expect(p.flags).toEqual([
      { flag: '-s', value: null },
      { flag: '-S', value: null },
      { flag: '-X', value: 'PUT' },
      { flag: '-d', value: '@/tmp/x' },
    ]);
    expect(p.positionals).toEqual(['https://h/p']);
  });
  it('extracts hosts from URLs, scp-like remotes and image references', () => {
    expect(urlHost('https://u:p@GitHub.com:443/a')).toEqual({ host: 'github.com', path: '/a' });
    // The DNS root's dot names the same server.
    expect(urlHost('https://api.github.com./gists')).toEqual({ host: 'api.github.com', path: '/gists' });
    // What curl resolves: the host percent-decoded and mapped to ASCII (UTS #46).
    for (const written of ['api%2egithub%2ecom', 'ａｐｉ.github.com', 'api。github。com'])
      expect(urlHost(`https://${written}/gists`)?.host, written).toBe('api.github.com');
    expect(urlHost('https://bücher.example/x')?.host).toBe('xn--bcher-kva.example');
    expect(urlHost('https://[fe80::1%eth0]/x')?.host).toBe('fe80::1%eth0');
    expect(scpLikeHost('git@github.com:a/b.git')).toBe('github.com');
    expect(imageRegistryHost('ghcr.io/a/b:1')).toBe('ghcr.io');
    expect(imageRegistryHost('library/alpine')).toBe('registry-1.docker.io');
    expect(imageRegistryHost('localhost:5000/x')).toBe('localhost');
    expect(imageRegistryHost('dir:/tmp/x')).toBeNull();
  });
});
