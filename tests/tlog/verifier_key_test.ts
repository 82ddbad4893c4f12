import assert from "node:assert/strict";
import { ed25519 } from "@noble/curves/ed25519.js";
import { base64 } from "@scure/base";
import {
  formatVerifierKey,
  keyId,
  parseVerifierKey,
  verifierKey,
} from "../../lib/tlog/verifier_key.ts";

// The verifier key of the example of c2sp.org/signed-note.
const SPEC_KEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
// A verifier key of the package example of golang.org/x/mod/sumdb/note.
const PETER_KEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

const seed = new Uint8Array(32).fill(42);

Deno.test("verifier keys", async (t) => {
  await t.step("the signed-note example key parses, and formats back the same", () => {
    const key = parseVerifierKey(SPEC_KEY);
    assert.equal(key.name, "example.com/foo");
    assert.deepEqual([...key.id], [0x53, 0x0d, 0x90, 0x3a]);
    assert.deepEqual(key.id, keyId(key.name, key.publicKey));
    assert.equal(formatVerifierKey(key), SPEC_KEY);
    assert.equal(formatVerifierKey(parseVerifierKey(PETER_KEY)), PETER_KEY);
  });

  await t.step("the key ID is SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[:4]", async () => {
    const key = verifierKey("example.com/log", ed25519.getPublicKey(seed));
    const input = new Uint8Array([
      ...new TextEncoder().encode("example.com/log\n"),
      1,
      ...key.publicKey,
    ]);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", input));
    assert.deepEqual(key.id, digest.slice(0, 4));
    assert.deepEqual(parseVerifierKey(formatVerifierKey(key)), key);
  });

  await t.step("refuses malformed or inconsistent keys", () => {
    const [name, id, b64] = [
      "example.com/foo",
      "530d903a",
      "AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
    ];
    const typed = base64.decode(b64);
    const bad = [
      "",
      name,
      `${name}+${id}`,
      `${name}+${id}+`,
      `+${id}+${b64}`,
      `example.com/fo+${id}+${b64}`, // the ID is of another name
      `${name}+530d903b+${b64}`, // another ID
      `${name}+530D903A+${b64}`, // one spelling: lowercase hex
      `${name}+530d903+${b64}`,
      `${name}+530d903a0+${b64}`,
      `${name}+${id}+${b64.slice(0, -1)}`,
      `${name}+${id}+${b64}=`,
      `${name}+${id}+${base64.encode(typed.slice(1))}`, // no type byte
      `${name}+${id}+${base64.encode(new Uint8Array([2, ...typed.slice(1)]))}`, // not Ed25519
      `${name}+${id}+${base64.encode(new Uint8Array([...typed, 0]))}`,
      `example.com/ foo+${id}+${b64}`,
      `example.com/\u00a0foo+${id}+${b64}`,
      ` ${SPEC_KEY}`,
      `${SPEC_KEY}\n`,
    ];
    for (const text of bad) assert.throws(() => parseVerifierKey(text), SyntaxError, text);
  });

  await t.step("refuses bad names and public keys", () => {
    for (const name of ["", "a b", "a+b", "a\tb", "a\nb", "a\u2003b", "\ud800"]) {
      assert.throws(() => verifierKey(name, new Uint8Array(32)), RangeError, JSON.stringify(name));
    }
    assert.throws(() => verifierKey("a", new Uint8Array(31)), RangeError);
  });
});
