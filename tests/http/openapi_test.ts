import assert from "node:assert/strict";
import { appRoutes, openApiDocument, routeLabel } from "../../lib/http/mod.ts";
import { ERROR_STATUS } from "../../lib/protocol/mod.ts";
import { createLogger } from "../../lib/log/mod.ts";
import { Metrics, VERSION } from "../../lib/ops/mod.ts";
import { SqliteStore } from "../../lib/store/mod.ts";
import { withServer } from "../support/test_server.ts";

interface Response {
  content?: Record<string, { schema: { properties?: Record<string, Json> } }>;
}
type Json = { [key: string]: Json } & { enum?: string[] };
interface Document {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, Response> }>>;
  components: { schemas: { Error: Json } };
}

/** The codes an error response's schema allows. */
function codesOf(response: Response): string[] {
  const schema = response.content?.["application/json"]?.schema;
  return schema?.properties?.error?.properties?.code?.enum ?? [];
}

Deno.test("OpenAPI: the document is built from the routes the app answers", async (t) => {
  const plain = SqliteStore.open(":memory:");
  const logged = SqliteStore.open(":memory:", {
    log: { origin: "example.com/log", seed: new Uint8Array(32) },
  });
  const logger = createLogger("error");
  const settings: [boolean, boolean][] = [[false, false], [true, false], [false, true], [
    true,
    true,
  ]];
  for (const [metrics, log] of settings) {
    await t.step(`with metrics ${metrics ? "on" : "off"}, log ${log ? "on" : "off"}`, () => {
      const store = log ? logged : plain;
      const routes = appRoutes({ store, logger, metrics: metrics ? new Metrics() : undefined });
      const doc = openApiDocument(routes, VERSION) as unknown as Document;
      assert.equal(doc.openapi, "3.1.0");
      for (const route of routes) {
        const item = doc.paths[routeLabel(route.pattern)]!;
        const method = route.method.toLowerCase();
        assert.ok(item[method], `${method} ${route.pattern.pathname}`);
        if (method === "get") assert.ok(item.head, `head ${route.pattern.pathname}`);
        assert.ok(item.options, `options ${route.pattern.pathname}`);
      }
      assert.equal("/metrics" in doc.paths, metrics);
      assert.equal("/v1/log/checkpoint" in doc.paths, log);
      assert.ok("/v1/openapi.json" in doc.paths, "the document describes itself");
    });
  }
  await plain.close();
  await logged.close();
});

Deno.test("OpenAPI: every error code, each at its status", async (t) => {
  const store = SqliteStore.open(":memory:", {
    log: { origin: "example.com/log", seed: new Uint8Array(32) },
  });
  const routes = appRoutes({ store, logger: createLogger("error"), metrics: new Metrics() });
  const doc = openApiDocument(routes, VERSION) as unknown as Document;
  await store.close();
  const all = Object.keys(ERROR_STATUS);
  await t.step("the Error schema lists every code of the protocol", () => {
    assert.deepEqual(doc.components.schemas.Error.properties!.error!.properties!.code!.enum, all);
  });
  await t.step("each operation's error answers list codes of that status", () => {
    const used = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        for (const [status, response] of Object.entries(op.responses)) {
          for (const code of codesOf(response)) {
            const want = ERROR_STATUS[code as keyof typeof ERROR_STATUS];
            assert.equal(String(want), status, `${code} on ${method} ${path}`);
            used.add(code);
          }
        }
      }
    }
    assert.ok(used.has("request_timeout"), "POST documents its body timeout");
    const unused = all.filter((code) => !used.has(code));
    assert.deepEqual(
      unused,
      ["invalid_request", "method_not_allowed"],
      "a bad Host and a 405 are no operation's: see info",
    );
  });
});

Deno.test("OpenAPI: GET /v1/openapi.json serves the document", async () => {
  await withServer(async (s) => {
    const res = await s.request("GET", "/v1/openapi.json");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/json");
    const doc = res.json() as Document;
    assert.equal(doc.openapi, "3.1.0");
    assert.ok(doc.paths["/v1/sigchains/{scheme}/{id}/events"]?.post, "the POST route");
  });
});

Deno.test("OpenAPI: the documented statuses are the ones answered", async (t) => {
  await withServer(async (s) => {
    const doc = (await s.request("GET", "/v1/openapi.json")).json() as Document;
    const primary = "ed25519/d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    for (const [path, item] of Object.entries(doc.paths)) {
      const concrete = path.replace("{scheme}/{id}", primary);
      for (const [method, op] of Object.entries(item)) {
        await t.step(`${method} ${path}`, async () => {
          const init = method === "post" ? { body: "{}" } : {};
          const res = await s.request(method.toUpperCase(), concrete, init);
          assert.ok(String(res.status) in op.responses, `${res.status} is documented`);
        });
      }
    }
  });
});
