// A test file that fails in each way the failures reporter must name: a failed test, a hook
// that throws after its tests passed, and a rejection nobody handles.
import { afterAll, describe, expect, it } from 'vitest';

describe('a suite whose afterAll throws', () => {
  afterAll(() => {
    throw new Error('afterAll could not clean up');
  });

  it('passes', () => {
    expect(1 + 1).toBe(2);
  });
});

it('fails', () => {
  expect('one').toBe('two');
});

it('leaves a rejection unhandled', async () => {
  setTimeout(() => {
    void Promise.reject(new Error('a rejection nobody handled'));
  }, 0);
  await new Promise((resolve) => setTimeout(resolve, 50));
});
