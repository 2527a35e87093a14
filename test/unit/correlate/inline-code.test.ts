/** A command line as a Markdown code span (CommonMark 6.1) whatever backticks it holds. */
import { describe, expect, it } from 'vitest';
import { inlineCode } from '../../../src/correlate/ancestry.js';

describe('inlineCode', () => {
  it('fences plain text with one backtick', () => {
    expect(inlineCode('/bin/sh -c id')).toBe('`/bin/sh -c id`');
  });
  it('fences with a run longer than the longest inside', () => {
    expect(inlineCode('sh -c "echo `id`"')).toBe('``sh -c "echo `id`"``');
    expect(inlineCode('a ``b`` c')).toBe('```a ``b`` c```');
  });
  it('pads a span that starts or ends with a backtick, or with a space at both ends', () => {
    expect(inlineCode('`id`')).toBe('`` `id` ``');
    expect(inlineCode(' x ')).toBe('`  x  `');
  });
});
