import assert from "node:assert/strict";
import { ChainAuthor } from "../support/chain_author.ts";
import { rawRequest, withServer } from "../support/test_server.ts";

const GENERATED = /^[0-9a-f]{8}-[0-9a-z]+$/;

Deno.test("X-Request-Id: every answer echoes the client's id", async (t) => {
  await withServer(async (s) => {
    const a = new ChainAuthor();
    const chain = `/v1/sigchains/${a.path}`;
    const first = a.next("add", "github:a");
    const cases: [string, string, string, RequestInit, number][] = [
      ["health", "GET", "/v1/healthz", {}, 200],
      ["an unknown chain", "GET", chain, {}, 404],
      ["an append", "POST", `${chain}/events`, { body: JSON.stringify(first) }, 201],
      ["a conflict", "POST", `${chain}/events`, { body: JSON.stringify(first) }, 409],
      ["invalid JSON", "POST", `${chain}/events`, { body: "{" }, 400],
      ["a body too large", "POST", `${chain}/events`, { body: "x".repeat(70_000) }, 413],
      ["a chain", "GET", chain, {}, 200],
      ["a head", "GET", `${chain}/head`, {}, 200],
      ["a HEAD", "HEAD", `${chain}/head`, {}, 200],
      ["an invalid primary", "GET", "/v1/sigchains/ed25519/AB", {}, 400],
      ["an invalid query", "GET", `${chain}?after=01`, {}, 400],
      ["no such route", "GET", "/nowhere", {}, 404],
      ["a method not allowed", "DELETE", "/v1/healthz", {}, 405],
      ["a preflight", "OPTIONS", "/anything", {}, 204],
      ["the OpenAPI document", "GET", "/v1/openapi.json", {}, 200],
    ];
    for (const [name, method, path, init, status] of cases) {
      await t.step(`${name}: ${status}`, async () => {
        const id = `test-${name.replaceAll(" ", "_")}`;
        const res = await s.request(method, path, { ...init, headers: { "x-request-id": id } });
        assert.equal(res.status, status, res.text);
        assert.equal(res.headers.get("x-request-id"), id);
      });
    }
    await t.step("a 304", async () => {
      const etag = (await s.request("GET", chain)).headers.get("etag")!;
      const res = await s.request("GET", chain, {
        headers: { "if-none-match": etag, "x-request-id": "cond-1" },
      });
      assert.equal(res.status, 304);
      assert.equal(res.headers.get("x-request-id"), "cond-1");
    });
  });
});

Deno.test("X-Request-Id: an invalid or absent id is replaced by a new one", async (t) => {
  await withServer(async (s) => {
    const ids = new Set<string>();
    const invalid: [string, string | undefined][] = [
      ["absent", undefined],
      ["empty", ""],
      ["with a space", "a b"],
      ["129 characters", "x".repeat(129)],
    ];
    for (const [name, header] of invalid) {
      await t.step(name, async () => {
        const headers: Record<string, string> = header === undefined
          ? {}
          : { "x-request-id": header };
        const res = await s.request("GET", "/v1/healthz", { headers });
        const id = res.headers.get("x-request-id")!;
        assert.match(id, GENERATED);
        assert.ok(!ids.has(id), "each generated id is new");
        ids.add(id);
      });
    }
    await t.step("128 printable characters are kept", async () => {
      const id = "!~".repeat(64);
      const res = await s.request("GET", "/v1/healthz", { headers: { "x-request-id": id } });
      assert.equal(res.headers.get("x-request-id"), id);
    });
    await t.step("an answer to a path fetch cannot send (dot segments) has one too", async () => {
      const res = await rawRequest(s.base, "GET", "/v1/x/../healthz");
      assert.equal(res.status, 404);
      assert.match(res.headers.get("x-request-id")!, GENERATED);
    });
  });
});
