/**
 * Test support: a fresh temporary directory for one test, removed afterwards.
 *
 * @module
 */

/**
 * Runs `fn` with a new temporary directory, and removes it afterwards.
 *
 * @param fn the test, given the directory's path
 */
export async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "kez-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
