import assert from "node:assert/strict";
import { serve } from "../../lib/http/mod.ts";
import { createLogger } from "../../lib/log/mod.ts";
import { Metrics, METRICS_CONTENT_TYPE } from "../../lib/ops/mod.ts";
import { SqliteStore, StoredCounts } from "../../lib/store/mod.ts";
import { ChainAuthor } from "../support/chain_author.ts";
import { withServer } from "../support/test_server.ts";

const EVENTS = "/v1/sigchains/{scheme}/{id}/events";

/** Runs `fn` against a server with metrics on, counting the stored rows on every scrape. */
async function withMetricsServer(fn: (base: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "kez-metrics-" });
  const db = `${dir}/chains.db`;
  const store = SqliteStore.open(db);
  const stored = new StoredCounts(db, { maxAgeMs: 0 });
  const metrics = new Metrics({ stored });
  const logger = createLogger("error", () => {});
  const server = serve({ store, logger, metrics, hostname: "127.0.0.1", port: 0 });
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
    stored.close();
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** The samples of a scrape: each series (name and labels) and its value. */
function samples(text: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    map.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return map;
}

async function send(base: string, method: string, path: string, body?: string) {
  const res = await fetch(base + path, { method, ...(body === undefined ? {} : { body }) });
  await res.body?.cancel();
  return res.status;
}

Deno.test("GET /metrics counts requests, latency, appends and rejections", async (t) => {
  await withMetricsServer(async (base) => {
    const a = new ChainAuthor();
    const events = `/v1/sigchains/${a.path}/events`;
    const first = a.next("add", "github:a");
    assert.equal(await send(base, "POST", events, JSON.stringify(first)), 201);
    assert.equal(
      await send(base, "POST", events, JSON.stringify(a.next("add", "dns:a.example"))),
      201,
    );
    assert.equal(await send(base, "POST", events, JSON.stringify(first)), 409);
    assert.equal(await send(base, "POST", events, "{"), 400);
    assert.equal(await send(base, "GET", `/v1/sigchains/${a.path}/head`), 200);
    assert.equal(await send(base, "HEAD", `/v1/sigchains/${a.path}/head`), 200);
    assert.equal(await send(base, "GET", "/nowhere"), 404);
    assert.equal(await send(base, "PATCH", "/v1/healthz"), 405);
    assert.equal(await send(base, "OPTIONS", "/anything"), 204);

    const res = await fetch(`${base}/metrics`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), METRICS_CONTENT_TYPE);
    const text = await res.text();
    const m = samples(text);

    await t.step("requests by method, route pattern and status", () => {
      const count = (method: string, route: string, status: number) =>
        m.get(`kez_http_requests_total{method="${method}",route="${route}",status="${status}"}`);
      assert.equal(count("POST", EVENTS, 201), 2);
      assert.equal(count("POST", EVENTS, 409), 1);
      assert.equal(count("POST", EVENTS, 400), 1);
      assert.equal(count("GET", "/v1/sigchains/{scheme}/{id}/head", 200), 1);
      assert.equal(count("HEAD", "/v1/sigchains/{scheme}/{id}/head", 200), 1);
      assert.equal(count("GET", "unmatched", 404), 1);
      assert.equal(count("other", "unmatched", 405), 1);
      assert.equal(count("OPTIONS", "*", 204), 1);
    });
    await t.step("labels name route patterns, never a request's path", () => {
      assert.ok(!text.includes(a.primary.split(":")[1]!), "no primary in any label");
      assert.ok(!text.includes("/nowhere"));
    });
    await t.step("a latency histogram per route, cumulative", () => {
      const bucket = (le: string) =>
        m.get(`kez_http_request_duration_seconds_bucket{route="${EVENTS}",le="${le}"}`)!;
      assert.equal(m.get(`kez_http_request_duration_seconds_count{route="${EVENTS}"}`), 4);
      assert.equal(bucket("+Inf"), 4);
      const les = [...m.keys()]
        .filter((k) => k.startsWith(`kez_http_request_duration_seconds_bucket{route="${EVENTS}"`))
        .map((k) => m.get(k)!);
      assert.deepEqual(les, [...les].sort((x, y) => x - y), "buckets never decrease");
      assert.ok(m.get(`kez_http_request_duration_seconds_sum{route="${EVENTS}"}`)! > 0);
    });
    await t.step("events appended, and rejected by error code", () => {
      assert.equal(m.get("kez_events_appended_total"), 2);
      assert.equal(m.get(`kez_events_rejected_total{code="conflict"}`), 1);
      assert.equal(m.get(`kez_events_rejected_total{code="invalid_json"}`), 1);
    });
    await t.step("chains and events stored, database size", () => {
      assert.equal(m.get("kez_chains_stored"), 1);
      assert.equal(m.get("kez_events_stored"), 2);
      assert.ok(m.get("kez_database_size_bytes")! > 0);
      assert.ok(m.has("kez_database_wal_size_bytes"));
    });
    await t.step("stored counts follow new appends", async () => {
      const b = new ChainAuthor("nostr-secp256k1-schnorr-sha256-jcs");
      const path = `/v1/sigchains/${b.path}/events`;
      assert.equal(await send(base, "POST", path, JSON.stringify(b.next("add", "github:b"))), 201);
      const after = samples(await (await fetch(`${base}/metrics`)).text());
      assert.equal(after.get("kez_chains_stored"), 2);
      assert.equal(after.get("kez_events_stored"), 3);
      assert.equal(after.get("kez_events_appended_total"), 3);
    });
  });
});

Deno.test("GET /metrics is 404 when metrics are off", async () => {
  await withServer(async (s) => {
    const res = await s.request("GET", "/metrics");
    assert.equal(res.status, 404);
    assert.equal((res.json() as { error: { code: string } }).error.code, "not_found");
  });
});
