import assert from "node:assert/strict";
import { type Params, route } from "../../lib/http/mod.ts";

const PATTERNS = ["/v1/healthz", "/v1/sigchains/:scheme/:id", "/v1/sigchains/:scheme/:id/head"];

/** What the router matched, if anything: the pattern and its params. */
async function routed(path: string): Promise<[string, Params] | null> {
  const routes = PATTERNS.map((pathname) => ({
    method: "GET",
    pattern: new URLPattern({ pathname }),
    handler: (_req: Request, params: Params) => Response.json([pathname, params]),
  }));
  const handler = route(routes, () => new Response("null"));
  return await (await handler(new Request(`http://x${path}`))).json();
}

Deno.test("route() matches exactly the paths URLPattern matches", async (t) => {
  const paths = [
    "/v1/healthz",
    "/v1/healthz/",
    "/v1/sigchains/ed25519/abc",
    "/v1/sigchains/ed25519/abc/",
    "/v1/sigchains//abc",
    "/v1/sigchains/ed25519/abc/head",
    "/v1/sigchains/nostr/npub1%41%2Fx/head",
    "/v1/sigchains/a/b/c",
    "/v1/sigchains/%zz/%ff",
    "/v1/SIGCHAINS/a/b",
    "/V1/healthz",
    "/v1/healthz?x=1",
    "/",
  ];
  for (const path of paths) {
    await t.step(path, async () => {
      const pathname = path.split("?")[0]!;
      const want = PATTERNS.map((p) => [p, new URLPattern({ pathname: p }).exec({ pathname })])
        .find(([, m]) => m !== null) as [string, URLPatternResult] | undefined;
      const got = await routed(path);
      if (want === undefined) assert.equal(got, null);
      else assert.deepEqual(got, [want[0], { ...want[1].pathname.groups }]);
    });
  }
});
