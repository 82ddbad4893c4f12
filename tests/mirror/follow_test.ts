import assert from "node:assert/strict";
import { openCheckpoint, openTlogProof, parseVerifierKey } from "../../lib/tlog/mod.ts";
import { ChainAuthor } from "../support/chain_author.ts";
import {
  caughtUp,
  get,
  MIRROR_ORIGIN,
  newSeed,
  post,
  publish,
  startMirror,
  startUpstream,
  treeOf,
  UPSTREAM_ORIGIN,
} from "./mirror_support.ts";
import { withDir } from "../support/temp_dir.ts";

Deno.test("mirror: follows an upstream", async (t) => {
  await withDir(async (dir) => {
    const upstream = startUpstream(`${dir}/upstream.db`, newSeed());
    const authors = [
      new ChainAuthor(),
      new ChainAuthor(),
      new ChainAuthor("nostr-secp256k1-schnorr-sha256-jcs"),
      new ChainAuthor(),
      new ChainAuthor("nostr-secp256k1-schnorr-sha256-jcs"),
      new ChainAuthor(),
    ];
    await publish(upstream.base, authors, 3, "before");
    const mirror = await startMirror(`${dir}/mirror.db`, upstream.base, newSeed());
    try {
      await t.step("copies chains posted concurrently while it follows", async () => {
        await publish(upstream.base, authors, 8, "during");
        await caughtUp(mirror, upstream);
        const [up, down] = [await treeOf(upstream.base), await treeOf(mirror.base)];
        assert.equal(up.size, authors.length * 11);
        assert.deepEqual(down, up, "the same size and root");
        const [upLog, downLog] = [upstream.store.log!, mirror.store.log!];
        assert.equal(downLog.checkpoint().note.split("\n")[0], MIRROR_ORIGIN, "its own origin");
        assert.equal(upLog.checkpoint().note.split("\n")[0], UPSTREAM_ORIGIN);
        const entries = `/v1/log/entries?start=0`;
        assert.equal(
          (await get(mirror.base, entries)).text,
          (await get(upstream.base, entries)).text,
        );
      });

      await t.step("serves the same chains", async () => {
        for (const author of authors) {
          for (
            const path of [`/v1/sigchains/${author.path}`, `/v1/sigchains/${author.path}/head`]
          ) {
            const [up, down] = [await fetch(upstream.base + path), await fetch(mirror.base + path)];
            assert.equal(down.status, 200);
            assert.equal(down.headers.get("etag"), up.headers.get("etag"));
            assert.equal(await down.text(), await up.text(), path);
          }
        }
      });

      await t.step("serves proofs that verify against its own checkpoint", async () => {
        const key = parseVerifierKey((await get(mirror.base, "/v1/log/key")).text.trim());
        const checkpoint = openCheckpoint((await get(mirror.base, "/v1/log/checkpoint")).text, key);
        for (const author of authors) {
          const head = (await get(mirror.base, `/v1/sigchains/${author.path}/head`)).text;
          const proof = await get(mirror.base, `/v1/sigchains/${author.path}/head/proof`);
          assert.equal(proof.status, 200);
          const opened = openTlogProof(proof.text, new TextEncoder().encode(head), key);
          assert.equal(opened.checkpoint.size, checkpoint.size);
          const upstreamProof = await get(upstream.base, `/v1/sigchains/${author.path}/head/proof`);
          assert.equal(opened.index, Number(/^index (\d+)$/m.exec(upstreamProof.text)![1]));
        }
      });

      await t.step("answers a POST with 503 unavailable naming the upstream", async () => {
        const author = new ChainAuthor();
        const { status, body } = await post(mirror.base, author, author.next("add", "github:x"));
        assert.equal(status, 503);
        assert.equal(body.error?.code, "unavailable");
        assert.equal(
          body.error?.message,
          `This server is a read-only mirror of ${upstream.base}; publish there`,
        );
        assert.equal((await get(mirror.base, `/v1/sigchains/${author.path}`)).status, 404);
      });
      assert.equal(mirror.follower.halted, null);
    } finally {
      await mirror.close();
      await upstream.close();
    }
  });
});
