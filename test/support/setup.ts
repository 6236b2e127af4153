import { afterEach, beforeEach, vi } from 'vitest';

// A console.error nobody expected fails the test (Epic Stack): errors must not pass silently.
// A test that expects one spies on console.error itself and restores it.
let unexpected: unknown[][] = [];
beforeEach(() => {
  unexpected = [];
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    unexpected.push(args);
  });
});
afterEach(() => {
  const calls = unexpected;
  vi.restoreAllMocks();
  if (calls.length > 0) {
    throw new Error(`console.error was called:\n${calls.map((args) => args.map(String).join(' ')).join('\n')}`);
  }
});
