import { describe, expect, it } from 'vitest';
import { expandUrlGlob } from '../../../src/rules/upload-urls.js';

describe("curl's URL globbing", () => {
  it('expands alternatives and ranges as curl does', () => {
    expect(expandUrlGlob('https://api.git{hub}.com/gists')).toEqual(['https://api.github.com/gists']);
    expect(expandUrlGlob('https://{a,api}.github.com/x')).toEqual([
      'https://a.github.com/x',
      'https://api.github.com/x',
    ]);
    expect(expandUrlGlob('https://api.github.[b-d]om/x')).toEqual([
      'https://api.github.bom/x',
      'https://api.github.com/x',
      'https://api.github.dom/x',
    ]);
    expect(expandUrlGlob('https://h/f[08-10:2].txt')).toEqual(['https://h/f08.txt', 'https://h/f10.txt']);
  });

  it('keeps what curl keeps literal, and a word without a glob', () => {
    expect(expandUrlGlob('https://api.github.com/gists')).toEqual(['https://api.github.com/gists']);
    expect(expandUrlGlob('https://[2001:db8::1]/x')).toEqual(['https://[2001:db8::1]/x']);
    expect(expandUrlGlob('https://h/\\{a,b\\}')).toEqual(['https://h/{a,b}']);
    expect(expandUrlGlob('https://h/{unclosed')).toEqual(['https://h/{unclosed']);
  });

  it('is bounded', () => {
    expect(expandUrlGlob('https://h/[1-1000000]/[a-z]/{a,b,c,d}').length).toBeLessThanOrEqual(64);
  });
});
