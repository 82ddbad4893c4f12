/**
 * A linear `URLPattern` router: a list of routes, first match wins, path shape
 * before method, one fallback for 404 and 405.
 *
 * @module
 */

/** The raw (still percent-encoded) values of a route's named path segments. */
export type Params = Readonly<Record<string, string | undefined>>;

/** Answers one matched request; `search` is the raw query string, `?` included or empty. */
export type Handler = (
  req: Request,
  params: Params,
  search: string,
) => Response | Promise<Response>;

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

/** A path matcher: the params of a match, or null. */
type Matcher = (path: string) => Params | null;

const SIMPLE_PATTERN = /^(?:\/(?:[A-Za-z0-9._~-]+|:[A-Za-z_][A-Za-z0-9_]*))+$/;

/**
 * The matcher of a pattern. `URLPattern.exec` costs microseconds per route per
 * request, a large share of a cached read; a pattern made only of fixed
 * segments and `:name` segments matches exactly the paths of that many
 * segments with those fixed ones and non-empty others, which is checked here
 * directly. Any other pattern goes to `exec`.
 */
function matcher(pattern: URLPattern): Matcher {
  if (!SIMPLE_PATTERN.test(pattern.pathname)) {
    return (pathname) => pattern.exec({ pathname })?.pathname.groups ?? null;
  }
  const parts = pattern.pathname.split("/");
  return (path) => {
    const segments = path.split("/");
    if (segments.length !== parts.length) return null;
    const params: Record<string, string> = {};
    for (let i = 1; i < parts.length; i++) {
      const part = parts[i]!;
      const segment = segments[i]!;
      if (part.startsWith(":")) {
        if (segment === "") return null;
        params[part.slice(1)] = segment;
      } else if (segment !== part) {
        return null;
      }
    }
    return params;
  };
}

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
  const compiled = routes.map((r) => ({ ...r, match: matcher(r.pattern) }));
  return async (req) => {
    const [pathname, search] = rawTarget(req.url);
    const method = req.method === "HEAD" ? "GET" : req.method;
    const allow = new Set<string>();
    for (const r of compiled) {
      const params = r.match(pathname);
      if (params === null) continue;
      if (r.method === method) {
        const res = await r.handler(req, params, search);
        return req.method === "HEAD" ? await withoutBody(res) : res;
      }
      allow.add(r.method);
      if (r.method === "GET") allow.add("HEAD");
    }
    if (allow.size > 0) allow.add("OPTIONS");
    return await fallback(req, [...allow]);
  };
}

/**
 * The path and query of a request URL as the client sent them, found by
 * slicing: `new URL()` costs a microsecond or two per request.
 *
 * @param url the request's URL, `scheme://authority/path?query#fragment`
 * @returns the path (`/` when absent) and the query, `?` included or empty
 *
 * @example
 * ```ts
 * import { requestTarget } from "./router.ts";
 * const [path, search] = requestTarget("http://x:1/v1/a%2Fb?after=2");
 * if (path !== "/v1/a%2Fb" || search !== "?after=2") throw new Error("unexpected");
 * ```
 */
export function requestTarget(url: string): [pathname: string, search: string] {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start === -1) return ["/", ""];
  const hash = url.indexOf("#", start);
  const target = hash === -1 ? url.slice(start) : url.slice(start, hash);
  const query = target.indexOf("?");
  return query === -1 ? [target, ""] : [target.slice(0, query), target.slice(query)];
}

/**
 * The path and query for matching. `new URL()` and `URLPattern` resolve dot
 * segments (`/v1/x/../healthz`, `%2e`), which would let a path reach a route
 * it does not spell; escaping the `%` of every dot segment keeps it a plain
 * segment that no fixed part of a pattern matches.
 */
function rawTarget(url: string): [pathname: string, search: string] {
  const [path, search] = requestTarget(url);
  if (!path.includes(".") && !/%2e/i.test(path)) return [path, search];
  const safe = path.replace(
    /(?<=\/)(?:\.|%2e){1,2}(?=\/|$)/gi,
    (dots) => dots.replaceAll(/\.|%2e/gi, "%252E"),
  );
  return [safe, search];
}

/**
 * A HEAD answer: the GET's status and headers and no body. `Content-Length`
 * is set from the GET's body, since a body-less answer would not get one.
 */
async function withoutBody(res: Response): Promise<Response> {
  const headers = new Headers(res.headers);
  if (res.body !== null) {
    headers.set("content-length", String((await res.arrayBuffer()).byteLength));
  }
  return new Response(null, { status: res.status, headers });
}
