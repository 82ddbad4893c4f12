/**
 * A linear `URLPattern` router: a list of routes, first match wins, path shape
 * before method. It returns the match; the app builds the request's context,
 * calls the handler, and answers 404 and 405 in its one place for errors.
 *
 * @module
 */

import type { Operation } from "./operation.ts";
import type { HeaderPairs } from "./responses.ts";

/** The raw (still percent-encoded) values of a route's named path segments. */
export type Params = Readonly<Record<string, string | undefined>>;

/**
 * What a handler is given, built once per request by the app: the request,
 * its route's params, its raw query string and the headers every answer
 * carries (the request id and CORS), so that no handler has to remember them.
 */
export interface Context {
  /** The request. */
  readonly req: Request;
  /** The raw values of the route's named path segments. */
  readonly params: Params;
  /** The raw query string, `?` included, or empty. */
  readonly search: string;
  /** The headers of every answer; the response builders take them as they are. */
  readonly headers: HeaderPairs;
}

/**
 * A route's path shape: a `URLPattern` on the pathname alone.
 *
 * @param pathname the shape, e.g. `/v1/items/:id`
 * @returns the pattern
 *
 * @example
 * ```ts
 * import { pathPattern } from "./router.ts";
 * if (!pathPattern("/v1/items/:id").test({ pathname: "/v1/items/7" })) throw new Error("matches");
 * ```
 */
export function pathPattern(pathname: string): URLPattern {
  return new URLPattern({ pathname });
}

/** Answers one matched request. */
export type Handler = (ctx: Context) => Response | Promise<Response>;

/** One route: a method, a path pattern, what answers it and how the API document describes it. */
export interface Route {
  /** The HTTP method, uppercase. A `GET` route answers `HEAD` too. */
  readonly method: string;
  /** The path shape, e.g. `pathPattern("/v1/items/:id")`. */
  readonly pattern: URLPattern;
  /** What answers it. */
  readonly handler: Handler;
  /** Its operation in the OpenAPI document. */
  readonly doc: Operation;
  /** Whether its answers count as events appended or rejected in the metrics. */
  readonly appends?: boolean;
}

/** What the router found for a request. */
export type Match =
  | {
    /** The route. */
    readonly route: Route;
    /** Its index in the route list. */
    readonly index: number;
    /** Its params. */
    readonly params: Params;
  }
  | {
    /** No route takes the request. */
    readonly route: null;
    /** Empty when no route has the path (404), else the methods it takes (405). */
    readonly allow: readonly string[];
  };

/** A path matcher: the params of a match, or null; given the path and its `/`-split segments. */
type Matcher = (path: string, segments: readonly string[]) => Params | null;

const SIMPLE_PATTERN = /^(?:\/(?:[A-Za-z0-9._~-]+|:[A-Za-z_][A-Za-z0-9_]*))+$/;

/**
 * The matcher of a pattern. `URLPattern.exec` costs microseconds per route per
 * request, a large share of a cached read; a pattern made only of fixed
 * segments and `:name` segments matches exactly the paths of that many
 * segments with those fixed ones and non-empty others, which is checked here
 * directly, on the segments the router splits once per request. Any other
 * pattern goes to `exec`.
 */
function matcher(pattern: URLPattern): Matcher {
  if (!SIMPLE_PATTERN.test(pattern.pathname)) {
    return (pathname) => pattern.exec({ pathname })?.pathname.groups ?? null;
  }
  const parts = pattern.pathname.split("/");
  return (_path, segments) => {
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
 * Builds the matcher of a list of routes: first match wins, path shape
 * before method. A path that no pattern matches has no methods; a path some
 * pattern matches but not with this method has that path's methods (with
 * `HEAD` beside `GET`, and `OPTIONS`). `HEAD` matches a `GET` route.
 *
 * @param routes the routes, tried in order
 * @returns a function from a method and a path (as {@linkcode matchPath} gives it) to the match
 *
 * @example
 * ```ts
 * import { matchPath, router } from "./router.ts";
 * const doc = { summary: "", ok: [200, "", "text/plain", null], errors: [] } as const;
 * const match = router([
 *   { method: "GET", pattern: new URLPattern({ pathname: "/v1/items/:id" }), handler: () => new Response(), doc },
 * ]);
 * const found = match("HEAD", matchPath("/v1/items/7"));
 * if (found.route === null || found.params.id !== "7") throw new Error("no match");
 * const other = match("POST", matchPath("/v1/items/7"));
 * if (other.route !== null || other.allow.join() !== "GET,HEAD,OPTIONS") throw new Error("allow");
 * ```
 */
export function router(routes: readonly Route[]): (method: string, path: string) => Match {
  const compiled = routes.map((route, index) => ({ route, index, match: matcher(route.pattern) }));
  return (method, path) => {
    const wanted = method === "HEAD" ? "GET" : method;
    const segments = path.split("/");
    // Only a request no route takes needs the methods its path has.
    let allow: Set<string> | null = null;
    for (const { route, index, match } of compiled) {
      const params = match(path, segments);
      if (params === null) continue;
      if (route.method === wanted) return { route, index, params };
      allow ??= new Set();
      allow.add(route.method);
      if (route.method === "GET") allow.add("HEAD");
    }
    if (allow === null) return { route: null, allow: [] };
    allow.add("OPTIONS");
    return { route: null, allow: [...allow] };
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
 * A request's path made ready for matching. `new URL()` and `URLPattern`
 * resolve dot segments (`/v1/x/../healthz`, `%2e`), which would let a path
 * reach a route it does not spell; escaping the `%` of every dot segment
 * keeps it a plain segment that no fixed part of a pattern matches.
 *
 * @param path the path as sent, from {@linkcode requestTarget}
 * @returns the path to match
 *
 * @example
 * ```ts
 * import { matchPath } from "./router.ts";
 * if (matchPath("/v1/x/../healthz") !== "/v1/x/%252E%252E/healthz") throw new Error("resolved");
 * ```
 */
export function matchPath(path: string): string {
  if (!path.includes(".") && !/%2e/i.test(path)) return path;
  return path.replace(
    /(?<=\/)(?:\.|%2e){1,2}(?=\/|$)/gi,
    (dots) => dots.replaceAll(/\.|%2e/gi, "%252E"),
  );
}

/**
 * A HEAD answer: the GET's status and headers and no body. `Content-Length`
 * is set from the GET's body, since a body-less answer would not get one,
 * unless the GET's answer set it already (a streamed chain measures its own
 * length, so its lines need not be read to count them).
 *
 * @param res the GET's answer
 * @returns the HEAD's answer
 *
 * @example
 * ```ts
 * import { withoutBody } from "./router.ts";
 * const res = await withoutBody(new Response("abc"));
 * if (res.body !== null || res.headers.get("content-length") !== "3") throw new Error("head");
 * ```
 */
export async function withoutBody(res: Response): Promise<Response> {
  const headers = new Headers(res.headers);
  if (res.body !== null && !headers.has("content-length")) {
    headers.set("content-length", String((await res.arrayBuffer()).byteLength));
  } else {
    await res.body?.cancel();
  }
  return new Response(null, { status: res.status, headers });
}
