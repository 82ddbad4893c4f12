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
    return { healthy: false, detail: `GET failed: ${whyNoAnswer(e, url, timeoutMs)}` };
  }
}

/**
 * Why a fetch got no answer, in words an operator can act on. Deno's fetch
 * says only `fetch failed`, with the reason in its cause.
 *
 * @param error what fetch threw
 * @param url what was asked
 * @param timeoutMs how long it was given
 * @returns the reason, with the address tried
 *
 * @example
 * ```ts
 * import { whyNoAnswer } from "./healthcheck.ts";
 * const cause = new Error("client error (Connect): tcp connect error: Connection refused (os error 111)");
 * const why = whyNoAnswer(new TypeError("fetch failed", { cause }), "http://127.0.0.1:7878/v1/healthz", 5000);
 * if (!why.startsWith("connection refused by 127.0.0.1:7878")) throw new Error(why);
 * ```
 */
export function whyNoAnswer(error: unknown, url: string, timeoutMs: number): string {
  const { host, hostname } = new URL(url);
  const name = (error as Error)?.name;
  if (name === "TimeoutError" || name === "AbortError") {
    return `no answer from ${host} within ${
      timeoutMs / 1000
    } s (a server that is stuck, or a firewall that drops packets)`;
  }
  const messages: string[] = [];
  for (let e = error; e instanceof Error && messages.length < 5; e = e.cause) {
    messages.push(e.message);
  }
  const text = messages.join(": ");
  if (/connection refused/i.test(text)) {
    return `connection refused by ${host}: nothing listens there (is the server running, and on this port?)`;
  }
  if (/dns error|lookup address|name or service not known/i.test(text)) {
    return `cannot resolve the host name ${hostname}`;
  }
  if (/timed out/i.test(text)) return `connecting to ${host} timed out`;
  // Unknown: the innermost reason, without the URL that the line already shows.
  const inner = messages.at(-1) ?? String(error);
  return inner.replace(/^error sending request for url \([^)]*\): /, "");
}
