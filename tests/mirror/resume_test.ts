import assert from "node:assert/strict";
import { UpstreamPin } from "../../lib/mirror/mod.ts";
import { ChainAuthor } from "../support/chain_author.ts";
import {
  caughtUp,
  newSeed,
  publish,
  startMirror,
  startUpstream,
  treeOf,
} from "./mirror_support.ts";
import { waitFor } from "../support/wait_for.ts";
import { withDir } from "../support/temp_dir.ts";

Deno.test("mirror: survives restarts and upstream outages", async (t) => {
  await withDir(async (dir) => {
    const [upstreamDb, mirrorDb] = [`${dir}/upstream.db`, `${dir}/mirror.db`];
    const [upstreamSeed, mirrorSeed] = [newSeed(), newSeed()];
    const authors = [new ChainAuthor(), new ChainAuthor()];
    let upstream = startUpstream(upstreamDb, upstreamSeed);
    await publish(upstream.base, authors, 3, "a");
    let mirror = await startMirror(mirrorDb, upstream.base, mirrorSeed);
    try {
      await t.step("resumes at its own log size after a restart", async () => {
        await caughtUp(mirror, upstream);
        await mirror.close();
        await publish(upstream.base, authors, 2, "b");
        const pin = await UpstreamPin.load(`${mirrorDb}-upstream.json`);
        assert.equal(pin.kept?.checkpoint.size, 6, "the kept checkpoint is the one it reached");
        mirror = await startMirror(mirrorDb, upstream.base, mirrorSeed);
        await waitFor(
          () => mirror.logs.some((l) => l.includes("mirrored 4 entries") && l.includes("size 10")),
          { what: "only the new entries to be copied" },
        );
        assert.ok(!mirror.logs.some((line) => line.includes("pinned")), "the key stays pinned");
        assert.deepEqual(await treeOf(mirror.base), await treeOf(upstream.base));
      });

      await t.step("waits out an upstream outage, then catches up on the same port", async () => {
        const port = upstream.port;
        await upstream.close();
        await waitFor(() => mirror.logs.some((l) => l.includes("WARN")), { what: "a warning" });
        assert.match(
          mirror.logs.find((l) => l.includes("WARN"))!,
          /Cannot follow upstream http:\/\/127\.0\.0\.1:\d+ now, retrying in \d+ ms: Cannot reach/,
        );
        upstream = startUpstream(upstreamDb, upstreamSeed, port);
        await publish(upstream.base, authors, 2, "c");
        await caughtUp(mirror, upstream);
        // Said once the round that copied the entries ends, which can be just after the catch-up.
        await waitFor(
          () => mirror.logs.some((l) => l.includes("following upstream") && l.includes("again")),
          { what: "the mirror to say it follows again" },
        );
        assert.deepEqual(await treeOf(mirror.base), await treeOf(upstream.base));
      });

      await t.step("follows the upstream at a new address, under the pinned key", async () => {
        await upstream.close();
        await mirror.close();
        upstream = startUpstream(upstreamDb, upstreamSeed);
        await publish(upstream.base, authors, 1, "d");
        mirror = await startMirror(mirrorDb, upstream.base, mirrorSeed);
        await caughtUp(mirror, upstream);
        assert.equal(mirror.store.log!.checkpoint().size, 16);
        assert.deepEqual(await treeOf(mirror.base), await treeOf(upstream.base));
      });
      assert.equal(mirror.follower.halted, null);
    } finally {
      await mirror.close();
      await upstream.close();
    }
  });
});
