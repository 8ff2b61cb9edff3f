import { describe, expect, it } from 'vitest';
import { COMPLETION_RESERVE_MS, lifecycleBudget } from '../src/index.js';

describe('lifecycleBudget', () => {
  it('gives the remote steps the bound when time is plentiful', () => {
    expect(lifecycleBudget(20_000, 60_000)).toEqual({
      remoteMs: 20_000,
      hardMs: 20_000 + COMPLETION_RESERVE_MS,
    });
  });

  it('keeps the reserve for completion when time is short', () => {
    expect(lifecycleBudget(20_000, 10_000)).toEqual({
      remoteMs: 10_000 - 2 * COMPLETION_RESERVE_MS,
      hardMs: 10_000 - COMPLETION_RESERVE_MS,
    });
  });

  it('never gives a negative wait', () => {
    expect(lifecycleBudget(20_000, 1_000)).toEqual({ remoteMs: 0, hardMs: 0 });
  });
});
