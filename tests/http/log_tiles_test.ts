import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { serve } from "../../lib/http/mod.ts";
import { createLogger } from "../../lib/log/mod.ts";
import { ORIGINAL_SCHEMA, SqliteStore } from "../../lib/store/mod.ts";
import {
  decodeEntryBundle,
  formatTileIndex,
  HASH_SIZE,
  leafHash,
  nodeHash,
} from "../../lib/tlog/mod.ts";

const SIGNER = { origin: "example.com/kez-tiles", seed: new Uint8Array(32).fill(5) };
const encoder = new TextEncoder();

/** The leaves of the test log: distinct lines, as the log takes any stored line. */
const lineOf = (i: number) => `{"leaf":${i}}`;

/** Naive RFC 6962: the hash of the complete subtree of 2^level leaves at `index`. */
function naiveHash(leaves: Uint8Array[], level: number, index: number): Uint8Array {
  let hashes = leaves.slice(index * 2 ** level, (index + 1) * 2 ** level);
  while (hashes.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < hashes.length; i += 2) next.push(nodeHash(hashes[i]!, hashes[i + 1]!));
    hashes = next;
  }
  return hashes[0]!;
}

/** Adds stored rows up to `size`, written behind the store's back as the original server would. */
function fill(path: string, from: number, size: number): void {
  const db = new DatabaseSync(path);
  db.exec(ORIGINAL_SCHEMA);
  const insert = db.prepare("INSERT INTO sigchain_events VALUES ('ed25519', ?, 0, ?, 'h', 't')");
  db.exec("BEGIN");
  for (let i = from; i < size; i++) insert.run(`id${i}`, lineOf(i));
  db.exec("COMMIT");
  db.close();
}

async function get(base: string, path: string) {
  const res = await fetch(base + path);
  return {
    status: res.status,
    cache: res.headers.get("cache-control"),
    bytes: new Uint8Array(await res.arrayBuffer()),
  };
}

Deno.test("tiles and entry bundles match the leaves around the 256 and 65,536 boundaries", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "kez-tiles-" });
  const path = `${dir}/tiles.db`;
  const leaves: Uint8Array[] = [];
  let filled = 0;
  try {
    for (const size of [255, 256, 257, 513, 65_535, 65_536, 65_537]) {
      await t.step(`size ${size}`, async () => {
        fill(path, filled, size);
        for (; filled < size; filled++) leaves.push(leafHash(encoder.encode(lineOf(filled))));
        // Opening builds the log of the rows it does not hold yet.
        const store = SqliteStore.open(path, { log: SIGNER });
        const server = serve({
          store,
          logger: createLogger("error"),
          hostname: "127.0.0.1",
          port: 0,
        });
        const base = `http://127.0.0.1:${server.addr.port}`;
        try {
          assert.equal(store.log!.checkpoint().size, size);
          await checkTiles(base, leaves, size);
        } finally {
          await server.shutdown();
          await store.close();
        }
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Checks the tiles of level 0 to 2 and the bundles at the edges of the tree. */
async function checkTiles(base: string, leaves: Uint8Array[], size: number): Promise<void> {
  for (const level of [0, 1, 2]) {
    const span = 256 ** level;
    const hashes = Math.floor(size / span);
    const tiles = Math.ceil(hashes / 256);
    // The first tile, the last full one and the partial one: where the edges are.
    for (const index of new Set([0, Math.floor(hashes / 256) - 1, tiles - 1])) {
      if (index < 0 || hashes === 0) continue;
      const width = Math.min(256, hashes - index * 256);
      const full = `/v1/log/tile/${level}/${formatTileIndex(index)}`;
      const got = await get(base, width === 256 ? full : `${full}.p/${width}`);
      assert.equal(got.status, 200, `${full} width ${width}`);
      assert.equal(got.cache, width === 256 ? "public, max-age=31536000, immutable" : "no-cache");
      for (let i = 0; i < width; i++) {
        const want = naiveHash(leaves, level * 8, index * 256 + i);
        assert.deepEqual(got.bytes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE), want);
      }
      // Every narrower width is served too, also once the full tile exists.
      const narrower = await get(base, `${full}.p/${Math.max(1, width - 1)}`);
      if (width > 1 || width === 256) assert.equal(narrower.status, 200);
      // Nothing beyond what the tree has.
      if (width < 256) assert.equal((await get(base, `${full}.p/${width + 1}`)).status, 404);
      if (width < 256) assert.equal((await get(base, full)).status, 404);
    }
    if (hashes === 0) assert.equal((await get(base, `/v1/log/tile/${level}/000.p/1`)).status, 404);
  }
  const bundles = Math.ceil(size / 256);
  for (const index of new Set([0, bundles - 1])) {
    const width = Math.min(256, size - index * 256);
    const suffix = width === 256 ? "" : `.p/${width}`;
    const got = await get(base, `/v1/log/tile/entries/${formatTileIndex(index)}${suffix}`);
    assert.equal(got.status, 200);
    const entries = decodeEntryBundle(got.bytes).map((e) => new TextDecoder().decode(e));
    assert.deepEqual(entries, Array.from({ length: width }, (_, i) => lineOf(index * 256 + i)));
  }
  for (
    const bad of [
      "/v1/log/tile/0/0",
      "/v1/log/tile/0/x000/000",
      "/v1/log/tile/00/000",
      "/v1/log/tile/0/000.p/0",
      "/v1/log/tile/0/000.p/256",
      "/v1/log/tile/0/000.p/01",
      "/v1/log/tile/64/000",
      "/v1/log/tile/entries",
      "/v1/log/tile/",
    ]
  ) {
    assert.equal((await get(base, bad)).status, 404, bad);
  }
}
