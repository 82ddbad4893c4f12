import assert from "node:assert/strict";
import { ed25519 } from "@noble/curves/ed25519.js";
import {
  cosign,
  cosignatureMessage,
  cosignatureTimestamp,
  cosignerKey,
  formatCosignerKey,
  keyId,
  parseCosignerKey,
  parseNote,
  parseVerifierKey,
  verifyCosignature,
} from "../../lib/tlog/mod.ts";
import { toHex } from "../../lib/protocol/mod.ts";

const vectors = JSON.parse(
  await Deno.readTextFile(new URL("../testdata/c2sp/witness.json", import.meta.url)),
);
const spec = vectors["tlog-cosignature"];
const formats = vectors["formats"];

const seed = new Uint8Array(32).fill(5);
const key = cosignerKey("witness.example/w1", ed25519.getPublicKey(seed));
const sign = (m: Uint8Array) => ed25519.sign(m, seed);
const TEXT = "example.com/log\n2\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

function line(name: string, base64: string) {
  return parseNote(`t\n\n\u2014 ${name} ${base64}\n`).signatures[0]!;
}

Deno.test("cosignature/v1", async (t) => {
  await t.step("the tlog-cosignature example's line has its key ID and timestamp", () => {
    const sig = parseNote(spec.checkpoint).signatures[1]!;
    assert.equal(sig.name, spec.cosigner);
    assert.equal(toHex(sig.id), spec.key_id);
    assert.equal(cosignatureTimestamp(sig), spec.timestamp);
  });

  await t.step("the signed message is the specification's example, byte for byte", () => {
    const { text } = parseNote(spec.checkpoint);
    const message = new TextDecoder().decode(cosignatureMessage(text, spec.timestamp));
    assert.equal(message, spec.signed_message);
  });

  await t.step("a type 0x04 vkey of transparency-dev/formats parses and formats back", () => {
    const parsed = parseCosignerKey(formats.cosigner_vkey);
    assert.equal(formatCosignerKey(parsed), formats.cosigner_vkey);
    assert.deepEqual(parsed.id, keyId(parsed.name, parsed.publicKey, 0x04));
  });

  await t.step("a type 0x01 note vkey is not a witness key", () => {
    assert.ok(parseVerifierKey(formats.note_vkey));
    assert.throws(() => parseCosignerKey(formats.note_vkey), SyntaxError);
  });

  await t.step("the formats cosignature's timestamp reads; a note signature is not one", () => {
    assert.equal(
      cosignatureTimestamp(line("w", formats.cosignature)),
      formats.cosignature_timestamp,
    );
    assert.throws(() => cosignatureTimestamp(line("w", formats.note_signature)), SyntaxError);
  });

  await t.step("a cosignature made here verifies, and only over its own text and key", () => {
    const sig = parseNote(`${TEXT}\n${cosign(TEXT, key, 1700000000, sign)}`).signatures[0]!;
    assert.deepEqual(verifyCosignature(sig, TEXT, key), { key, timestamp: 1700000000 });
    assert.equal(verifyCosignature(sig, TEXT.replace("\n2\n", "\n3\n"), key), null);
    const other = cosignerKey(key.name, ed25519.getPublicKey(new Uint8Array(32).fill(6)));
    assert.equal(verifyCosignature(sig, TEXT, other), null);
  });

  await t.step("a changed timestamp breaks the signature", () => {
    const sig = parseNote(`${TEXT}\n${cosign(TEXT, key, 1700000000, sign)}`).signatures[0]!;
    const bytes = sig.signature.slice();
    bytes[7]! ^= 1;
    assert.equal(verifyCosignature({ ...sig, signature: bytes }, TEXT, key), null);
  });

  await t.step("the key ID is SHA-256(name ‖ 0x0A ‖ 0x04 ‖ key)[:4]", async () => {
    const input = new Uint8Array([
      ...new TextEncoder().encode(`${key.name}\n`),
      4,
      ...key.publicKey,
    ]);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", input));
    assert.deepEqual(key.id, digest.slice(0, 4));
  });

  await t.step("malformed witness keys are refused", () => {
    const good = formatCosignerKey(key);
    for (const bad of [good.replace(/\+[0-9a-f]{8}\+/, "+00000000+"), "w+1234", "a b+00+AA=="]) {
      assert.throws(() => parseCosignerKey(bad), SyntaxError, bad);
    }
  });
});
