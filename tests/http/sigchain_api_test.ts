import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { ChainAuthor, lineOf } from "../support/chain_author.ts";
import { type Answer, rawRequest, withServer } from "../support/test_server.ts";

const JSON_TYPE = "application/json";

function assertError(res: Answer, status: number, code: string) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.headers.get("content-type"), JSON_TYPE);
  const body = res.json() as { error: { code: string; message: string } };
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, "string");
}

function post(author: ChainAuthor, body: unknown): [string, string, RequestInit] {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return ["POST", `/v1/sigchains/${author.path}/events`, { body: text }];
}

Deno.test("GET /v1/healthz answers ok", async () => {
  await withServer(async (s) => {
    const res = await s.request("GET", "/v1/healthz");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), JSON_TYPE);
    assert.deepEqual(res.json(), { status: "ok" });
  });
});

Deno.test("an unknown chain is 404 not_found on both GET routes", async () => {
  await withServer(async (s) => {
    const a = new ChainAuthor();
    assertError(await s.request("GET", `/v1/sigchains/${a.path}`), 404, "not_found");
    assertError(await s.request("GET", `/v1/sigchains/${a.path}/head`), 404, "not_found");
  });
});

Deno.test("POST then GET round-trips a chain as JSONL", async (t) => {
  for (const alg of ["ed25519-sha512-jcs", "nostr-secp256k1-schnorr-sha256-jcs"] as const) {
    await t.step(alg, async () => {
      await withServer(async (s) => {
        const a = new ChainAuthor(alg);
        const events = [a.next("add", "github:jason"), a.next("add", "dns:jason.example")];
        const results = [];
        for (const env of events) {
          const res = await s.request(...post(a, env));
          assert.equal(res.status, 201, res.text);
          assert.equal(res.headers.get("content-type"), JSON_TYPE);
          results.push(res.json() as { seq: number; hash: string });
        }
        assert.deepEqual(results.map((r) => r.seq), [0, 1]);
        assert.equal(events[1]!.payload.prev, results[0]!.hash);
        const chain = await s.request("GET", `/v1/sigchains/${a.path}`);
        assert.equal(chain.status, 200);
        assert.equal(chain.headers.get("content-type"), "application/jsonl");
        assert.equal(chain.text, events.map((e) => lineOf(e) + "\n").join(""));
      });
    });
  }
});

Deno.test("GET head serves the last event's canonical JSON", async () => {
  await withServer(async (s) => {
    const a = new ChainAuthor();
    const first = a.next("add", "github:a");
    await s.request(...post(a, first));
    const second = a.next("revoke", "github:a");
    await s.request(...post(a, second));
    const res = await s.request("GET", `/v1/sigchains/${a.path}/head`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), JSON_TYPE);
    assert.equal(res.text, lineOf(second));
  });
});

Deno.test("POST rejects what does not extend the chain, and stores nothing", async (t) => {
  await t.step("an event for another primary is 400 wrong_primary", async () => {
    await withServer(async (s) => {
      const a = new ChainAuthor();
      const b = new ChainAuthor("nostr-secp256k1-schnorr-sha256-jcs");
      assertError(await s.request(...post(a, b.next("add", "github:b"))), 400, "wrong_primary");
      assertError(await s.request("GET", `/v1/sigchains/${a.path}`), 404, "not_found");
    });
  });
  await t.step("a bad signature is 400 invalid_signature", async () => {
    await withServer(async (s) => {
      const a = new ChainAuthor();
      const env = a.next("add", "github:a");
      const sig = env.signature.sig;
      const flipped = {
        ...env,
        signature: { ...env.signature, sig: (sig[0] === "0" ? "1" : "0") + sig.slice(1) },
      };
      assertError(await s.request(...post(a, flipped)), 400, "invalid_signature");
      assertError(await s.request("GET", `/v1/sigchains/${a.path}`), 404, "not_found");
    });
  });
  await t.step("a skipped seq is 409 conflict naming both seqs", async () => {
    await withServer(async (s) => {
      const a = new ChainAuthor();
      await s.request(...post(a, a.next("add", "github:a")));
      const res = await s.request(...post(a, a.next("add", "github:b", { seq: 3 })));
      assertError(res, 409, "conflict");
      assert.match(res.text, /expected seq 1, got 3/);
    });
  });
  await t.step("a bad prev is 409 conflict", async () => {
    await withServer(async (s) => {
      const a = new ChainAuthor();
      await s.request(...post(a, a.next("add", "github:a")));
      const res = await s.request(
        ...post(a, a.next("add", "github:b", { prev: "sha256:" + "0".repeat(64) })),
      );
      assertError(res, 409, "conflict");
      assert.equal((await s.request("GET", `/v1/sigchains/${a.path}`)).text.split("\n").length, 2);
    });
  });
  await t.step("a second event at a stored seq is 409 conflict", async () => {
    await withServer(async (s) => {
      const a = new ChainAuthor();
      const first = a.next("add", "github:a");
      assert.equal((await s.request(...post(a, first))).status, 201);
      assertError(await s.request(...post(a, first)), 409, "conflict");
      const other = new ChainAuthor(a.alg, a.secret).next("add", "github:other");
      assertError(await s.request(...post(a, other)), 409, "conflict");
    });
  });
  await t.step("an invalid op is 400 invalid_op", async () => {
    await withServer(async (s) => {
      const a = new ChainAuthor();
      assertError(await s.request(...post(a, a.next("revoke", "github:never"))), 400, "invalid_op");
    });
  });
});

Deno.test("an invalid primary in the path is 400 invalid_primary on every route", async (t) => {
  const paths = [
    "ed25519/ABCD",
    "ed25519/" + "A".repeat(64),
    "rsa/abc",
    "nostr/npub1xyz",
    "ed25519/%zz",
  ];
  for (const p of paths) {
    await t.step(p, async () => {
      await withServer(async (s) => {
        assertError(await s.request("GET", `/v1/sigchains/${p}`), 400, "invalid_primary");
        assertError(await s.request("GET", `/v1/sigchains/${p}/head`), 400, "invalid_primary");
        assertError(
          await s.request("POST", `/v1/sigchains/${p}/events`, { body: "{}" }),
          400,
          "invalid_primary",
        );
      });
    });
  }
});

Deno.test("POST bodies are limited to 64 KiB while reading", async (t) => {
  const big = new Uint8Array(65_537).fill(0x20);
  await t.step("with Content-Length", async () => {
    await withServer(async (s) => {
      const a = new ChainAuthor();
      assertError(
        await s.request(...post(a, new TextDecoder().decode(big))),
        413,
        "payload_too_large",
      );
    });
  });
  await t.step("chunked, without Content-Length", async () => {
    await withServer(async (s) => {
      const a = new ChainAuthor();
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < big.length; i += 8192) c.enqueue(big.slice(i, i + 8192));
          c.close();
        },
      });
      const res = await s.request("POST", `/v1/sigchains/${a.path}/events`, { body });
      assertError(res, 413, "payload_too_large");
    });
  });
  await t.step("an event padded with whitespace to exactly 65,536 bytes is accepted", async () => {
    await withServer(async (s) => {
      const a = new ChainAuthor();
      const text = JSON.stringify(a.next("add", "github:a"));
      const res = await s.request(...post(a, text + " ".repeat(65_536 - text.length)));
      assert.equal(res.status, 201, res.text);
    });
  });
});

Deno.test("bodies that are not I-JSON objects are 400 invalid_json", async (t) => {
  const bodies: [string, BodyInit][] = [
    ["not JSON", "{"],
    ["an array", "[]"],
    ["a duplicate member", '{"kez":"sigchain_event","kez":"sigchain_event"}'],
    ["a lone surrogate", '{"kez":"\\ud800"}'],
    ["invalid UTF-8", new Uint8Array([0x7b, 0xff, 0x7d])],
    ["a byte-order mark", new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d])],
    ["an empty body", ""],
  ];
  for (const [name, body] of bodies) {
    await t.step(name, async () => {
      await withServer(async (s) => {
        const a = new ChainAuthor();
        const res = await s.request("POST", `/v1/sigchains/${a.path}/events`, { body });
        assertError(res, 400, "invalid_json");
      });
    });
  }
});

Deno.test("CORS is wide open", async (t) => {
  await withServer(async (s) => {
    const a = new ChainAuthor();
    for (
      const path of [
        "/v1/healthz",
        `/v1/sigchains/${a.path}/events`,
        "/nowhere",
        "/v1/sigchains/x/y",
      ]
    ) {
      await t.step(`OPTIONS ${path} is 204 with the preflight headers`, async () => {
        const res = await s.request("OPTIONS", path);
        assert.equal(res.status, 204);
        assert.equal(res.headers.get("access-control-allow-origin"), "*");
        assert.equal(res.headers.get("access-control-allow-methods"), "GET, HEAD, POST, OPTIONS");
        assert.equal(
          res.headers.get("access-control-allow-headers"),
          "content-type, if-none-match, x-request-id",
        );
        assert.equal(res.headers.get("access-control-max-age"), "86400");
        assert.equal(
          res.headers.get("access-control-expose-headers"),
          "ETag, X-Request-Id, Allow",
        );
      });
    }
    await t.step("errors carry Access-Control-Allow-Origin too", async () => {
      const res = await s.request("GET", "/nowhere");
      assert.equal(res.status, 404);
      assert.equal(res.headers.get("access-control-allow-origin"), "*");
      assert.equal(res.headers.get("access-control-expose-headers"), "ETag, X-Request-Id, Allow");
    });
  });
});

Deno.test("routing: path shape, then method, then primary", async (t) => {
  await withServer(async (s) => {
    const cases: [string, string, number, string | null][] = [
      ["DELETE", "/v1/sigchains/ed25519/bad", 405, "GET, HEAD, OPTIONS"],
      ["PUT", "/v1/sigchains/ed25519/bad/head", 405, "GET, HEAD, OPTIONS"],
      ["GET", "/v1/sigchains/ed25519/bad/events", 405, "POST, OPTIONS"],
      ["HEAD", "/v1/sigchains/ed25519/bad/events", 405, "POST, OPTIONS"],
      ["POST", "/v1/healthz", 405, "GET, HEAD, OPTIONS"],
      ["GET", "/v1/sigchains/ed25519/bad/", 404, null],
      ["POST", "/v1/sigchains//x/events", 404, null],
      ["GET", "/v2/healthz", 404, null],
      ["GET", "/v1/x/../healthz", 404, null],
      ["GET", "/v1/./healthz", 404, null],
      ["GET", "/v1/%2e/healthz", 404, null],
      ["GET", "/v1/sigchains/ed25519/%2e%2e", 400, null],
      ["GET", "/v1/sigchains/ed25519/..", 400, null],
    ];
    for (const [method, path, status, allow] of cases) {
      await t.step(`${method} ${path} is ${status}`, async () => {
        const res = await rawRequest(s.base, method, path);
        assert.equal(res.status, status);
        assert.equal(res.headers.get("allow"), allow);
        if (method !== "HEAD") {
          const code =
            { 400: "invalid_primary", 404: "not_found", 405: "method_not_allowed" }[status];
          assertError(res, status, code!);
        }
      });
    }
  });
});

Deno.test("HEAD answers like GET without a body", async (t) => {
  await withServer(async (s) => {
    const a = new ChainAuthor();
    await s.request(...post(a, a.next("add", "github:a")));
    for (const path of ["/v1/healthz", `/v1/sigchains/${a.path}`, `/v1/sigchains/${a.path}/head`]) {
      await t.step(path, async () => {
        const get = await s.request("GET", path);
        const head = await s.request("HEAD", path);
        assert.equal(head.status, get.status);
        assert.equal(head.text, "");
        for (const name of ["content-type", "content-length", "etag", "cache-control"]) {
          assert.equal(head.headers.get(name), get.headers.get(name), name);
        }
        assert.equal(
          Number(get.headers.get("content-length")),
          new TextEncoder().encode(get.text).length,
        );
      });
    }
  });
});

Deno.test("GET answers carry an ETag, honour If-None-Match and ?after", async (t) => {
  await withServer(async (s) => {
    const a = new ChainAuthor();
    const events = [
      a.next("add", "github:a"),
      a.next("add", "github:b"),
      a.next("revoke", "github:a"),
    ];
    const hashes: string[] = [];
    for (const e of events) {
      hashes.push((((await s.request(...post(a, e))).json()) as { hash: string }).hash);
    }
    const etag = `"${hashes[2]}"`;
    const path = `/v1/sigchains/${a.path}`;
    await t.step("ETag is the quoted head hash, with Cache-Control: no-cache", async () => {
      for (const p of [path, `${path}/head`]) {
        const res = await s.request("GET", p);
        assert.equal(res.headers.get("etag"), etag);
        assert.equal(res.headers.get("cache-control"), "no-cache");
      }
    });
    await t.step("a current ETag, weak or in a list, or * is 304 without a body", async () => {
      for (const inm of [etag, `W/${etag}`, `"x", ${etag}`, "*"]) {
        const res = await s.request("GET", path, { headers: { "if-none-match": inm } });
        assert.equal(res.status, 304, inm);
        assert.equal(res.text, "");
        assert.equal(res.headers.get("etag"), etag);
      }
    });
    await t.step("a stale ETag gets the whole chain", async () => {
      const res = await s.request("GET", path, { headers: { "if-none-match": `"${hashes[1]}"` } });
      assert.equal(res.status, 200);
      assert.equal(res.text.split("\n").length, 4);
    });
    await t.step("?after=N answers only the later events", async () => {
      assert.equal(
        (await s.request("GET", `${path}?after=0`)).text,
        events.slice(1).map((e) => lineOf(e) + "\n").join(""),
      );
      assert.equal((await s.request("GET", `${path}?after=2`)).text, "");
      assert.equal((await s.request("GET", `${path}?after=99999999999999999999999`)).status, 200);
    });
    await t.step("a bad after is 400 invalid_query", async () => {
      for (
        const q of ["after=-1", "after=01", "after=%2B1", "after=1.5", "after=", "after=1&after=2"]
      ) {
        assertError(await s.request("GET", `${path}?${q}`), 400, "invalid_query");
      }
    });
  });
});

Deno.test("a failure of the store is 500 internal, logged, with no internals", async () => {
  await withServer(async (s) => {
    const a = new ChainAuthor();
    await s.request(...post(a, a.next("add", "github:a")));
    // Alter the database behind the server's back.
    const db = new DatabaseSync(s.dbPath);
    db.exec("ALTER TABLE sigchain_events RENAME TO gone");
    db.close();
    const res = await s.request("GET", `/v1/sigchains/${a.path}`);
    assertError(res, 500, "internal");
    assert.doesNotMatch(res.text, /sigchain_events|sqlite|gone/i);
    assert.ok(
      s.logs.some((l) => l.includes("ERROR") && l.includes("sigchain_events")),
      s.logs.join("\n"),
    );
  }, { otherWritersCheckMs: 0 });
});

Deno.test("every request is logged with method, path, status and duration", async () => {
  await withServer(async (s) => {
    await s.request("GET", "/v1/healthz");
    assert.ok(
      s.logs.some((l) => /INFO +GET \/v1\/healthz 200 \d+\.\dms$/.test(l)),
      s.logs.join("\n"),
    );
  });
});

Deno.test("concurrent POSTs at one seq: exactly one 201, the others 409", async () => {
  await withServer(async (s) => {
    const a = new ChainAuthor();
    const first = (await s.request(...post(a, a.next("add", "github:a")))).json() as {
      hash: string;
    };
    const racers = Array.from(
      { length: 8 },
      (_, i) =>
        a.sign({
          seq: 1,
          prev: first.hash,
          created_at: "2026-01-02T00:00:00Z",
          op: "add",
          subject: `github:r${i}`,
        }),
    );
    const answers = await Promise.all(racers.map((env) => s.request(...post(a, env))));
    const statuses = answers.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, 409, 409, 409, 409, 409, 409, 409]);
    const winner = racers[answers.findIndex((r) => r.status === 201)]!;
    const chain = await s.request("GET", `/v1/sigchains/${a.path}`);
    assert.equal(chain.text.split("\n")[1], lineOf(winner));
  });
});
