/**
 * Test support: one local HTTP server standing in for the file channels: a
 * website's `/.well-known/` files and the part of GitHub's REST API that the
 * gist channel uses (a user's public gist listing, creating and updating a
 * gist, the raw file), in GitHub's shapes.
 *
 * @module
 */

/** One gist as the host keeps it. */
export interface HostedGist {
  readonly id: string;
  readonly owner: string;
  updated: string;
  readonly files: Map<string, string>;
}

/** A running channel host. */
export interface ChannelHost {
  /** `http://127.0.0.1:PORT` */
  base: string;
  /** The files under `/.well-known/`, by name; a missing one is a 404. */
  readonly wellKnown: Map<string, string | Uint8Array<ArrayBuffer>>;
  /** Every gist, public. */
  readonly gists: HostedGist[];
  /** The bearer token that may write gists. */
  readonly token: string;
  /** Paths whose requests are never answered, to test timeouts. */
  readonly stalled: Set<string>;
}

let clock = Date.parse("2026-01-01T00:00:00Z");

/** A strictly later time each call, so that listings order as GitHub's would. */
function later(): string {
  clock += 1000;
  return new Date(clock).toISOString().replace(/\.\d+Z$/, "Z");
}

function listing(host: ChannelHost, user: string) {
  return host.gists.filter((g) => g.owner === user).map((g) => ({
    id: g.id,
    html_url: `${host.base}/gist/${g.id}`,
    public: true,
    updated_at: g.updated,
    owner: { login: g.owner },
    files: Object.fromEntries(
      [...g.files].map(([name, content]) => [name, {
        filename: name,
        type: "text/plain",
        size: content.length,
        raw_url: `${host.base}/raw/${g.id}/${name}`,
      }]),
    ),
  }));
}

async function handle(host: ChannelHost, req: Request, stop: AbortSignal): Promise<Response> {
  const url = new URL(req.url);
  const path = url.pathname;
  if (host.stalled.has(path)) {
    await new Promise((resolve) => stop.addEventListener("abort", resolve, { once: true }));
    return new Response(null, { status: 503 });
  }
  let m;
  if (req.method === "GET" && (m = /^\/\.well-known\/([^/]+)$/.exec(path))) {
    const file = host.wellKnown.get(m[1]!);
    return file === undefined ? new Response("Not Found", { status: 404 }) : new Response(file);
  }
  if (req.method === "GET" && (m = /^\/users\/([^/]+)\/gists$/.exec(path))) {
    return Response.json(listing(host, m[1]!));
  }
  if (req.method === "GET" && (m = /^\/raw\/([^/]+)\/([^/]+)$/.exec(path))) {
    const file = host.gists.find((g) => g.id === m![1])?.files.get(m[2]!);
    return file === undefined ? new Response("Not Found", { status: 404 }) : new Response(file);
  }
  if (req.method !== "POST" && req.method !== "PATCH") {
    return Response.json({ message: "Not Found" }, { status: 404 });
  }
  if (req.headers.get("authorization") !== `Bearer ${host.token}`) {
    return Response.json({ message: "Requires authentication" }, { status: 401 });
  }
  const body = await req.json() as { files: Record<string, { content: string }> };
  let gist: HostedGist | undefined;
  if (req.method === "POST" && path === "/gists") {
    gist = { id: `g${host.gists.length + 1}`, owner: "jason", updated: later(), files: new Map() };
    host.gists.push(gist);
  } else if ((m = /^\/gists\/([^/]+)$/.exec(path))) {
    gist = host.gists.find((g) => g.id === m![1]);
  }
  if (gist === undefined) return Response.json({ message: "Not Found" }, { status: 404 });
  for (const [name, { content }] of Object.entries(body.files)) gist.files.set(name, content);
  gist.updated = later();
  return Response.json({ id: gist.id, html_url: `${host.base}/gist/${gist.id}` }, {
    status: req.method === "POST" ? 201 : 200,
  });
}

/**
 * Runs `fn` against a fresh channel host, then stops it. Its token's owner
 * is the user `jason`.
 *
 * @param fn the test
 */
export async function withChannelHost(fn: (host: ChannelHost) => Promise<void>): Promise<void> {
  const stop = new AbortController();
  const host: ChannelHost = {
    base: "",
    wellKnown: new Map(),
    gists: [],
    token: "test-token",
    stalled: new Set<string>(),
  };
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) => handle(host, req, stop.signal),
  );
  host.base = `http://127.0.0.1:${server.addr.port}`;
  try {
    await fn(host);
  } finally {
    stop.abort();
    await server.shutdown();
  }
}
