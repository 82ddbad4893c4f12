import assert from "node:assert/strict";
import { ed25519 } from "@noble/curves/ed25519.js";
import type { LogSigner } from "../../lib/store/mod.ts";
import {
  decodeBase64,
  leafHash,
  openCheckpoint,
  openTlogProof,
  parseVerifierKey,
  rootOf,
  verifierKey,
  verifyConsistency,
  verifyInclusion,
} from "../../lib/tlog/mod.ts";
import { ChainAuthor } from "../support/chain_author.ts";
import { type TestServer, withServer } from "../support/test_server.ts";

const SIGNER: LogSigner = { origin: "example.com/kez-http", seed: new Uint8Array(32).fill(3) };
const KEY = verifierKey(SIGNER.origin, ed25519.getPublicKey(SIGNER.seed));
const encoder = new TextEncoder();

async function post(server: TestServer, author: ChainAuthor, subject: string) {
  const res = await server.request("POST", `/v1/sigchains/${author.path}/events`, {
    body: JSON.stringify(author.next("add", subject)),
  });
  assert.equal(res.status, 201, res.text);
  return res.json() as { seq: number; hash: string; index: number };
}

async function checkpointOf(server: TestServer) {
  const res = await server.request("GET", "/v1/log/checkpoint");
  assert.equal(res.status, 200);
  return { note: res.text, ...openCheckpoint(res.text, KEY) };
}

Deno.test("log routes answer as spec §10.3 says", async (t) => {
  await withServer(async (server) => {
    const alice = new ChainAuthor();
    const bob = new ChainAuthor("nostr-secp256k1-schnorr-sha256-jcs");
    const lines: string[] = [];

    await t.step("a fresh server has a signed checkpoint of size 0", async () => {
      const res = await server.request("GET", "/v1/log/checkpoint");
      assert.equal(res.headers.get("content-type"), "text/plain; charset=utf-8");
      assert.equal(res.headers.get("cache-control"), "no-cache");
      const cp = openCheckpoint(res.text, KEY);
      assert.equal(cp.size, 0);
      assert.deepEqual(cp.root, rootOf([]));
    });

    await t.step("the key route gives the verifier key", async () => {
      const res = await server.request("GET", "/v1/log/key");
      assert.equal(res.headers.get("content-type"), "text/plain; charset=utf-8");
      assert.ok(res.text.endsWith("\n"));
      assert.deepEqual(parseVerifierKey(res.text.trimEnd()), KEY);
    });

    await t.step("201 answers carry the event's index, in the latest checkpoint", async () => {
      for (let i = 0; i < 3; i++) {
        for (const author of [alice, bob]) {
          const created = await post(server, author, `github:u${i}`);
          assert.equal(created.index, lines.length);
          const chain = await server.request("GET", `/v1/sigchains/${author.path}`);
          lines.push(chain.text.trimEnd().split("\n").at(-1)!);
          assert.ok((await checkpointOf(server)).size > created.index);
        }
      }
    });

    await t.step("the checkpoint's root is the RFC 6962 root of the stored lines", async () => {
      const cp = await checkpointOf(server);
      assert.equal(cp.size, lines.length);
      assert.deepEqual(cp.root, rootOf(lines.map((l) => leafHash(encoder.encode(l)))));
    });

    await t.step("the entries feed pages through the leaves", async () => {
      const all = await server.request("GET", "/v1/log/entries?start=0");
      assert.equal(all.headers.get("content-type"), "application/jsonl");
      assert.equal(all.headers.get("cache-control"), "no-cache");
      assert.equal(all.text, lines.map((l) => `${l}\n`).join(""));
      const page = await server.request("GET", "/v1/log/entries?start=2&limit=3");
      assert.equal(page.text, lines.slice(2, 5).map((l) => `${l}\n`).join(""));
      const end = await server.request("GET", `/v1/log/entries?start=${lines.length}`);
      assert.equal(end.status, 200);
      assert.equal(end.text, "");
    });

    await t.step("bad queries are 400 invalid_query", async () => {
      const n = lines.length;
      for (
        const q of [
          "/v1/log/entries",
          `/v1/log/entries?start=${n + 1}`,
          "/v1/log/entries?start=01",
          "/v1/log/entries?start=-1",
          "/v1/log/entries?start=0&start=0",
          "/v1/log/entries?start=0&limit=0",
          "/v1/log/entries?start=0&limit=1001",
          "/v1/log/proof/inclusion?index=0",
          `/v1/log/proof/inclusion?index=${n}&size=${n}`,
          `/v1/log/proof/inclusion?index=0&size=${n + 1}`,
          "/v1/log/proof/inclusion?index=x&size=1",
          "/v1/log/proof/consistency?from=0&to=1",
          `/v1/log/proof/consistency?from=2&to=1`,
          `/v1/log/proof/consistency?from=1&to=${n + 1}`,
          "/v1/log/proof/consistency?from=1&to=2&to=2",
        ]
      ) {
        const res = await server.request("GET", q);
        assert.equal(res.status, 400, q);
        assert.equal((res.json() as { error: { code: string } }).error.code, "invalid_query", q);
      }
    });

    await t.step("inclusion and consistency proofs verify for every pair", async () => {
      const cp = await checkpointOf(server);
      const roots = [...lines.keys()].map((i) =>
        rootOf(lines.slice(0, i + 1).map((l) => leafHash(encoder.encode(l))))
      );
      for (let size = 1; size <= cp.size; size++) {
        for (let index = 0; index < size; index++) {
          const res = await server.request(
            "GET",
            `/v1/log/proof/inclusion?index=${index}&size=${size}`,
          );
          const body = res.json() as { index: number; size: number; hashes: string[] };
          assert.deepEqual([body.index, body.size], [index, size]);
          const leaf = leafHash(encoder.encode(lines[index]!));
          const path = body.hashes.map(decodeBase64);
          assert.ok(verifyInclusion(leaf, index, size, path, roots[size - 1]!), `${index}/${size}`);
        }
        for (let from = 1; from <= size; from++) {
          const res = await server.request(
            "GET",
            `/v1/log/proof/consistency?from=${from}&to=${size}`,
          );
          const body = res.json() as { from: number; to: number; hashes: string[] };
          const ok = verifyConsistency(
            from,
            size,
            roots[from - 1]!,
            roots[size - 1]!,
            body.hashes.map(decodeBase64),
          );
          assert.ok(ok, `${from} → ${size}`);
        }
      }
    });

    await t.step("a tlog-proof proves each event and the head", async () => {
      for (const author of [alice, bob]) {
        const chain = (await server.request("GET", `/v1/sigchains/${author.path}`)).text
          .trimEnd().split("\n");
        for (const [seq, line] of chain.entries()) {
          const res = await server.request(
            "GET",
            `/v1/sigchains/${author.path}/events/${seq}/proof`,
          );
          assert.equal(res.headers.get("content-type"), "text/plain; charset=utf-8");
          const opened = openTlogProof(res.text, encoder.encode(line), KEY);
          assert.equal(lines[opened.index], line);
        }
        const head = await server.request("GET", `/v1/sigchains/${author.path}/head/proof`);
        const opened = openTlogProof(head.text, encoder.encode(chain.at(-1)!), KEY);
        assert.equal(lines[opened.index], chain.at(-1));
      }
    });

    await t.step("proofs of what does not exist are 404, a bad primary 400", async () => {
      const cases: [string, number, string][] = [
        [`/v1/sigchains/${alice.path}/events/3/proof`, 404, "not_found"],
        [`/v1/sigchains/${alice.path}/events/01/proof`, 404, "not_found"],
        [`/v1/sigchains/${alice.path}/events/-1/proof`, 404, "not_found"],
        [`/v1/sigchains/${alice.path}/events/abc/proof`, 404, "not_found"],
        [`/v1/sigchains/${new ChainAuthor().path}/head/proof`, 404, "not_found"],
        ["/v1/sigchains/ed25519/xyz/head/proof", 400, "invalid_primary"],
      ];
      for (const [path, status, code] of cases) {
        const res = await server.request("GET", path);
        assert.equal(res.status, status, path);
        assert.equal((res.json() as { error: { code: string } }).error.code, code, path);
      }
    });

    await t.step("log routes are GET only, HEAD works, CORS is open", async () => {
      const post = await server.request("POST", "/v1/log/checkpoint");
      assert.equal(post.status, 405);
      assert.equal(post.headers.get("allow"), "GET, HEAD, OPTIONS");
      const head = await server.request("HEAD", "/v1/log/entries?start=0");
      assert.equal(head.status, 200);
      assert.equal(head.text, "");
      assert.equal(Number(head.headers.get("content-length")), lines.join("\n").length + 1);
      const options = await server.request("OPTIONS", "/v1/log/tile/0/000");
      assert.equal(options.status, 204);
      assert.equal(head.headers.get("access-control-allow-origin"), "*");
    });
  }, { log: SIGNER, writerThread: true });
});

Deno.test("under concurrent writes, checkpoints stay consistent and acknowledged events included", async () => {
  await withServer(async (server) => {
    const authors = Array.from({ length: 6 }, () => new ChainAuthor());
    const acknowledged: { index: number; path: string; seq: number }[] = [];
    const checkpoints: { size: number; root: Uint8Array }[] = [];
    let writing = true;
    const poll = (async () => {
      while (writing) checkpoints.push(await checkpointOf(server));
    })();
    await Promise.all(authors.map(async (author) => {
      for (let i = 0; i < 12; i++) {
        const created = await post(server, author, `dns:n${i}.example`);
        acknowledged.push({ index: created.index, path: author.path, seq: created.seq });
      }
    }));
    writing = false;
    await poll;
    const last = await checkpointOf(server);
    checkpoints.push(last);
    assert.equal(last.size, authors.length * 12);

    // Every pair: each older checkpoint with the last, and each with the next.
    checkpoints.sort((a, b) => a.size - b.size);
    for (const [i, older] of checkpoints.entries()) {
      for (const newer of [checkpoints[i + 1], last]) {
        if (newer === undefined || older.size === 0) continue;
        const res = await server.request(
          "GET",
          `/v1/log/proof/consistency?from=${older.size}&to=${newer.size}`,
        );
        const proof = (res.json() as { hashes: string[] }).hashes.map(decodeBase64);
        assert.ok(verifyConsistency(older.size, newer.size, older.root, newer.root, proof));
      }
    }
    for (const { index, path, seq } of acknowledged) {
      const proof = await server.request("GET", `/v1/sigchains/${path}/events/${seq}/proof`);
      const line = (await server.request("GET", `/v1/sigchains/${path}`)).text.split("\n")[seq]!;
      assert.equal(openTlogProof(proof.text, encoder.encode(line), KEY).index, index);
    }
  }, { log: SIGNER, writerThread: true });
});
