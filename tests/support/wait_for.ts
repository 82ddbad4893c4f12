/**
 * Test support: wait for what a test needs to hold, rather than sleep for as
 * long as some internal timing happens to take on this machine.
 *
 * @module
 */

/** How long and how often {@linkcode waitFor} asks. */
export interface WaitForOptions {
  /** How long to wait in all, in milliseconds; 10 s by default. */
  readonly timeoutMs?: number;
  /** The pause between two asks, in milliseconds; 20 by default. */
  readonly intervalMs?: number;
  /** What is awaited, for the failure message; `the condition` by default. */
  readonly what?: string;
}

/**
 * Asks a condition until it holds, pausing between asks.
 *
 * @param condition true once what the test waits for holds; what it throws
 *   ends the wait at once
 * @param options the timeout, the pause and what is awaited
 * @returns when the condition holds
 * @throws {Error} `Timed out after <ms> ms waiting for <what>` when it does not hold in time;
 *   whatever `condition` throws
 *
 * @example
 * ```ts
 * import { waitFor } from "./wait_for.ts";
 * const start = Date.now();
 * await waitFor(() => Date.now() - start >= 30, { intervalMs: 5 });
 * const late = await waitFor(() => false, { timeoutMs: 20, what: "nothing" }).catch((e) => e);
 * if (late.message !== "Timed out after 20 ms waiting for nothing") throw late;
 * ```
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  options: WaitForOptions = {},
): Promise<void> {
  const { timeoutMs = 10_000, intervalMs = 20, what = "the condition" } = options;
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() >= deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
