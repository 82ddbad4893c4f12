/**
 * Asking a running server whether it is healthy, for container health checks
 * in images that have no shell or HTTP client.
 *
 * @module
 */

/** What a health check found. */
export interface Health {
  /** True when the server answered `200 {"status":"ok"}` in time. */
  readonly healthy: boolean;
  /** The answer, or why there was none. */
  readonly detail: string;
}

/**
 * GETs a health URL.
 *
 * @param url the server's `/v1/healthz`
 * @param timeoutMs how long to wait for the whole answer
 * @returns the verdict; never rejects
 *
 * @example
 * ```ts
 * import { checkHealth } from "./healthcheck.ts";
 * const health = await checkHealth("http://127.0.0.1:9/v1/healthz", 1000);
 * if (health.healthy) throw new Error("nothing listens on port 9");
 * ```
 */
export async function checkHealth(url: string, timeoutMs: number = 5000): Promise<Health> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = await res.text();
    let ok = false;
    try {
      ok = res.status === 200 && JSON.parse(body).status === "ok";
    } catch {
      // Not JSON: not healthy, and the detail shows what came back.
    }
    return { healthy: ok, detail: `${res.status} ${body.slice(0, 200)}` };
  } catch (e) {
    return { healthy: false, detail: (e as Error).message };
  }
}
