/**
 * A linear `URLPattern` router: a list of routes, first match wins, path shape
 * before method, one fallback for 404 and 405.
 *
 * @module
 */

/** The raw (still percent-encoded) values of a route's named path segments. */
export type Params = Readonly<Record<string, string | undefined>>;

/** Answers one matched request. */
export type Handler = (req: Request, params: Params, url: URL) => Response | Promise<Response>;

/** One route: a method, a path pattern and what answers it. */
export interface Route {
  /** The HTTP method, uppercase. A `GET` route answers `HEAD` too. */
  readonly method: string;
  /** The path shape, e.g. `new URLPattern({ pathname: "/v1/items/:id" })`. */
  readonly pattern: URLPattern;
  /** What answers it. */
  readonly handler: Handler;
}

/**
 * Answers a request no route takes. `allow` is empty when no route has its
 * path shape (a 404), else the methods that path takes (a 405).
 */
export type Fallback = (req: Request, allow: readonly string[]) => Response | Promise<Response>;

/**
 * Builds the request handler of a list of routes. A path that no pattern
 * matches goes to the fallback with no methods; a path some pattern matches
 * but not with this method goes to it with that path's methods (with `HEAD`
 * beside `GET`, and `OPTIONS`). `HEAD` runs the `GET` handler and drops the body.
 *
 * @param routes the routes, tried in order
 * @param fallback the answer when none takes the request
 * @returns the handler
 *
 * @example
 * ```ts
 * import { route } from "./router.ts";
 * const handler = route(
 *   [{ method: "GET", pattern: new URLPattern({ pathname: "/hi/:name" }), handler: (_r, p) => new Response(`hi ${p.name}`) }],
 *   (_req, allow) => new Response(null, { status: allow.length ? 405 : 404 }),
 * );
 * const res = await handler(new Request("http://x/hi/ann", { method: "DELETE" }));
 * if (res.status !== 405) throw new Error(String(res.status));
 * ```
 */
export function route(
  routes: readonly Route[],
  fallback: Fallback,
): (req: Request) => Promise<Response> {
  return async (req) => {
    const url = new URL(req.url);
    const pathname = rawPathname(req.url);
    const method = req.method === "HEAD" ? "GET" : req.method;
    const allow = new Set<string>();
    for (const r of routes) {
      const match = r.pattern.exec({ pathname });
      if (match === null) continue;
      if (r.method === method) {
        const res = await r.handler(req, match.pathname.groups, url);
        return req.method === "HEAD" ? withoutBody(res) : res;
      }
      allow.add(r.method);
      if (r.method === "GET") allow.add("HEAD");
    }
    if (allow.size > 0) allow.add("OPTIONS");
    return await fallback(req, [...allow]);
  };
}

/**
 * The path as the client sent it. `new URL()` and `URLPattern` resolve dot
 * segments (`/v1/x/../healthz`, `%2e`), which would let a path reach a route
 * it does not spell; escaping the `%` of every dot segment keeps it a plain
 * segment that no fixed part of a pattern matches.
 */
function rawPathname(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start === -1) return "/";
  const end = url.slice(start).search(/[?#]/);
  const path = end === -1 ? url.slice(start) : url.slice(start, start + end);
  return path.replace(
    /(?<=\/)(?:\.|%2e){1,2}(?=\/|$)/gi,
    (dots) => dots.replaceAll(/\.|%2e/gi, "%252E"),
  );
}

/** A HEAD answer: the GET's status and headers, `Content-Length` included, and no body. */
function withoutBody(res: Response): Response {
  res.body?.cancel();
  return new Response(null, { status: res.status, headers: res.headers });
}
