import { describe, expect, it } from 'vitest';
import { createdAtOrAfter } from '../../activities/graph-call.js';

describe('createdAtOrAfter', () => {
  const since = Date.parse('2026-11-28T11:33:08.700Z');
  it('claims an object created after the step began, even when Graph gives whole seconds', () => {
    expect(createdAtOrAfter('2026-11-28T11:33:09Z', since)).toBe(true);
    expect(createdAtOrAfter('2026-11-28T11:33:08Z', since)).toBe(true);
    expect(createdAtOrAfter('2026-11-28T11:33:08.9123456Z', since)).toBe(true);
  });
  it('leaves alone what is older or has no creation time', () => {
    expect(createdAtOrAfter('2026-11-28T11:33:07.999Z', since)).toBe(false);
    expect(createdAtOrAfter(null, since)).toBe(false);
    expect(createdAtOrAfter('not a date', since)).toBe(false);
  });
});
