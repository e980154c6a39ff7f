// Pure pieces of the emulator: the $filter parser and the ISO 8601 durations policies use.

import { describe, expect, test } from 'vitest';
import { parseDuration } from '../../emulator/em/durations.js';
import { FilterSyntaxError, parseFilter } from '../../emulator/odata/filter-parser.js';

describe('$filter parsing', () => {
  test('the tutorial’s role filter', () => {
    expect(parseFilter("(originSystem eq 'AadGroup' and resource/id eq 'a1')")).toEqual({
      kind: 'and',
      left: { kind: 'compare', op: 'eq', property: { path: 'originSystem', lower: false }, value: 'AadGroup' },
      right: { kind: 'compare', op: 'eq', property: { path: 'resource/id', lower: false }, value: 'a1' },
    });
  });

  test('functions over tolower(), quotes escaped by doubling, unquoted GUIDs, booleans', () => {
    expect(parseFilter("contains(tolower(displayName),'o''neil')")).toEqual({
      kind: 'function',
      name: 'contains',
      property: { path: 'displayName', lower: true },
      value: "o'neil",
    });
    expect(parseFilter('id eq 0b9c2f7e-0000-4000-8000-000000000000')).toMatchObject({
      value: '0b9c2f7e-0000-4000-8000-000000000000',
    });
    expect(parseFilter('not accountEnabled eq false')).toEqual({
      kind: 'not',
      operand: { kind: 'compare', op: 'eq', property: { path: 'accountEnabled', lower: false }, value: false },
    });
  });

  test('and binds tighter than or', () => {
    expect(parseFilter("a eq '1' or b eq '2' and c eq '3'")).toMatchObject({ kind: 'or', right: { kind: 'and' } });
  });

  test.each(['a eq', "eq 'x'", "a eq 'x' b", "a eq 'x", "(a eq 'x'", 'a eq bareword', ''])(
    '%j is a syntax error',
    (text) => {
      expect(() => parseFilter(text)).toThrow(FilterSyntaxError);
    },
  );
});

describe('ISO 8601 durations', () => {
  test.each([
    ['P30D', 30 * 86_400_000],
    ['PT12H', 12 * 3_600_000],
    ['P1W', 7 * 86_400_000],
    ['P1DT30M', 86_400_000 + 1_800_000],
    ['PT1.5S', 1500],
  ])('%s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  test.each(['30D', 'P', 'PT', 'P1H', 'thirty days'])('%s is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
