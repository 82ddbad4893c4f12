import assert from "node:assert/strict";
import { matchPath, type Params, requestTarget, router } from "../../lib/http/mod.ts";

const PATTERNS = ["/v1/healthz", "/v1/sigchains/:scheme/:id", "/v1/sigchains/:scheme/:id/head"];

const match = router(PATTERNS.map((pathname) => ({
  method: "GET",
  pattern: new URLPattern({ pathname }),
  handler: () => new Response(),
  doc: { summary: pathname, ok: [200, "", "text/plain", null], errors: [] },
})));

/** What the router matched, if anything: the pattern and its params. */
function routed(path: string): [string, Params] | null {
  const found = match("GET", matchPath(requestTarget(new Request(`http://x${path}`).url)[0]));
  return found.route === null ? null : [found.route.pattern.pathname, { ...found.params }];
}

Deno.test("router() matches exactly the paths URLPattern matches", async (t) => {
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
    await t.step(path, () => {
      const pathname = path.split("?")[0]!;
      const want = PATTERNS.map((p) => [p, new URLPattern({ pathname: p }).exec({ pathname })])
        .find(([, m]) => m !== null) as [string, URLPatternResult] | undefined;
      const got = routed(path);
      if (want === undefined) assert.equal(got, null);
      else assert.deepEqual(got, [want[0], { ...want[1].pathname.groups }]);
    });
  }
});
