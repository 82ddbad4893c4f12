import assert from "node:assert/strict";
import { ed25519 } from "@noble/curves/ed25519.js";
import { UpstreamPin } from "../../lib/mirror/mod.ts";
import {
  emptyRoot,
  formatVerifierKey,
  leafHash,
  signCheckpoint,
  verifierKey,
} from "../../lib/tlog/mod.ts";
import { withDir } from "../support/temp_dir.ts";

const ORIGIN = "upstream.test/log";

function logOf(fill: number) {
  const seed = new Uint8Array(32).fill(fill);
  const key = verifierKey(ORIGIN, ed25519.getPublicKey(seed));
  const note = (size: number) =>
    signCheckpoint(
      { origin: ORIGIN, size, root: size === 0 ? emptyRoot() : leafHash(new Uint8Array([size])) },
      seed,
    );
  return { key, text: formatVerifierKey(key), note };
}

Deno.test("UpstreamPin: the pin store of a mirror, in its one file", async (t) => {
  await withDir(async (dir) => {
    const upstream = logOf(1);
    const other = logOf(2);

    await t.step(
      "reads a file written before keys were marked pinned: trusted on first use",
      async () => {
        const path = `${dir}/old.json`;
        const note = upstream.note(3);
        await Deno.writeTextFile(
          path,
          `${JSON.stringify({ key: upstream.text, checkpoint: note })}\n`,
        );
        const pin = await UpstreamPin.load(path);
        assert.deepEqual(await pin.readKey("http://anywhere"), {
          key: upstream.text,
          pinned: false,
        });
        assert.equal(await pin.readCheckpoint(upstream.key), note);
        assert.equal(pin.kept?.checkpoint.size, 3);
      },
    );

    await t.step("holds one upstream, whatever its address", async () => {
      const path = `${dir}/address.json`;
      const pin = await UpstreamPin.load(path);
      assert.equal(await pin.readKey("http://a.example"), null);
      await pin.writeKey("http://a.example", { key: upstream.text, pinned: false });
      assert.equal((await pin.readKey("http://b.example"))?.key, upstream.text);
      assert.deepEqual(JSON.parse(await Deno.readTextFile(path)), {
        key: upstream.text,
        pinned: false,
        checkpoint: null,
      });
    });

    await t.step("keeps a checkpoint of the upstream's log only", async () => {
      const path = `${dir}/checkpoint.json`;
      const pin = await UpstreamPin.load(path);
      await assert.rejects(
        pin.writeCheckpoint(upstream.key, upstream.note(0)),
        /not the upstream's/,
      );
      await pin.writeKey("http://a.example", { key: upstream.text, pinned: true });
      await pin.writeCheckpoint(upstream.key, upstream.note(2));
      assert.equal(await pin.readCheckpoint(other.key), null);
      await assert.rejects(pin.writeCheckpoint(other.key, other.note(2)), /not the upstream's/);
      await assert.rejects(pin.writeCheckpoint(upstream.key, other.note(2)), /no signature/);
      const again = await UpstreamPin.load(path);
      assert.deepEqual(await again.readKey(""), { key: upstream.text, pinned: true });
      assert.equal(await again.readCheckpoint(upstream.key), upstream.note(2));
    });

    await t.step(
      "a new key drops the checkpoint of the old one; the same key keeps it",
      async () => {
        const path = `${dir}/rekey.json`;
        const pin = await UpstreamPin.load(path);
        await pin.writeKey("", { key: upstream.text, pinned: false });
        await pin.writeCheckpoint(upstream.key, upstream.note(1));
        await pin.writeKey("", { key: upstream.text, pinned: true });
        assert.equal(await pin.readCheckpoint(upstream.key), upstream.note(1));
        await pin.writeKey("", { key: other.text, pinned: true });
        assert.equal(await pin.readCheckpoint(other.key), null);
        assert.equal(pin.kept, null);
        assert.equal(JSON.parse(await Deno.readTextFile(path)).checkpoint, null);
      },
    );

    await t.step("refuses a file that does not hold a key and a checkpoint it signed", async () => {
      const path = `${dir}/bad.json`;
      await Deno.writeTextFile(
        path,
        JSON.stringify({ key: upstream.text, checkpoint: other.note(1) }),
      );
      await assert.rejects(UpstreamPin.load(path), /^Error: Cannot use upstream pin file /);
      await Deno.writeTextFile(
        path,
        JSON.stringify({ key: upstream.text, pinned: "yes", checkpoint: null }),
      );
      await assert.rejects(UpstreamPin.load(path), /expected a key and a checkpoint/);
    });
  });
});
