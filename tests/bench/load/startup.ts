/**
 * Start-up time: from spawning the real server on a fresh database to its
 * first answered `GET /v1/healthz`, polled every 2 ms.
 *
 * @module
 */

import { spawnRealServer, waitReady } from "./servers.ts";

/**
 * Starts the server `runs` times, each on a new database file in `dir`.
 *
 * @param dir a scratch directory
 * @param runs how many starts
 * @returns each start's milliseconds, in order
 */
export async function measureStartup(dir: string, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const server = spawnRealServer(`${dir}/startup-${i}.db`, `${dir}/startup-${i}.log`);
    try {
      times.push(await waitReady(server, 30_000, 2));
    } finally {
      await server.child.stop();
    }
  }
  return times;
}

/**
 * The median.
 *
 * @param values numbers (not empty)
 * @returns the middle value, or the mean of the two middle ones
 */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
