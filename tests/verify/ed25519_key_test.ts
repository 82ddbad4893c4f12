import assert from "node:assert/strict";
import { ed25519 } from "@noble/curves/ed25519.js";
import { fromHex, nobleDecodes, toHex } from "../../lib/protocol/mod.ts";
import { ed25519KeyObject, isEd25519Point } from "../../lib/verify/mod.ts";

/** Clears the sign bit and lowers y below p, so that only the curve decides. */
function canonicalY(key: Uint8Array): Uint8Array {
  const y = key.slice();
  y[31]! &= 0x7f;
  if (y[31] === 0x7f && y.subarray(1, 31).every((b) => b === 0xff) && y[0]! >= 0xed) y[0] = 0;
  return y;
}

Deno.test("isEd25519Point() answers as noble's RFC 8032 decoding", async (t) => {
  await t.step("4,000 random encodings of canonical y, about half of them off the curve", () => {
    let on = 0;
    for (let i = 0; i < 4000; i++) {
      const key = canonicalY(crypto.getRandomValues(new Uint8Array(32)));
      // Half of them with the sign bit set, which takes the other x for the same y.
      if (i % 2 === 1) key[31]! |= 0x80;
      const expected = nobleDecodes(key);
      assert.equal(isEd25519Point(key), expected, toHex(key));
      if (expected) on++;
    }
    assert.ok(on > 1000 && on < 3000, `${on} of 4,000 on the curve`);
  });

  await t.step("generated keys", () => {
    for (let i = 0; i < 64; i++) {
      assert.ok(isEd25519Point(ed25519.getPublicKey(ed25519.utils.randomSecretKey())));
    }
  });

  await t.step("y = 2, off the curve", () => {
    assert.equal(isEd25519Point(fromHex("02" + "00".repeat(31))), false);
  });
});

Deno.test("ed25519KeyObject() makes a key once and reuses it", async (t) => {
  await t.step("the same object for the same bytes", () => {
    const key = ed25519.getPublicKey(ed25519.utils.randomSecretKey());
    const first = ed25519KeyObject(key);
    assert.ok(first !== null);
    assert.equal(ed25519KeyObject(key.slice()), first);
  });

  await t.step("the key it holds is the key given", () => {
    const key = ed25519.getPublicKey(ed25519.utils.randomSecretKey());
    const jwk = ed25519KeyObject(key)!.export({ format: "jwk" });
    assert.equal(
      jwk.x,
      btoa(String.fromCharCode(...key)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""),
    );
  });
});
