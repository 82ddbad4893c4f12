import assert from "node:assert/strict";
import { schnorr } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { fromHex, toHex } from "../../lib/protocol/hex.ts";
import {
  algForScheme,
  ALGS,
  generateSecret,
  publicKeyOf,
  signMessage,
  verifyBip340,
  verifyEd25519,
  verifyMessage,
} from "../../lib/protocol/signature.ts";

interface WycheproofFile {
  numberOfTests: number;
  testGroups: {
    publicKey: { pk: string };
    tests: { tcId: number; comment: string; msg: string; sig: string; result: string }[];
  }[];
}

interface Bip340Row {
  index: string;
  secretKey: string;
  publicKey: string;
  auxRand: string;
  message: string;
  signature: string;
  result: boolean;
  comment: string;
}

async function loadWycheproof(): Promise<WycheproofFile> {
  const url = new URL("../testdata/wycheproof/ed25519_test.json", import.meta.url);
  return JSON.parse(await Deno.readTextFile(url));
}

async function loadBip340(): Promise<Bip340Row[]> {
  const url = new URL("../testdata/bip340/test-vectors.csv", import.meta.url);
  const lines = (await Deno.readTextFile(url)).split(/\r?\n/).filter((line) => line !== "");
  assert.equal(
    lines[0],
    "index,secret key,public key,aux_rand,message,signature,verification result,comment",
  );
  return lines.slice(1).map((line) => {
    const fields = line.split(",");
    const [index, secretKey, publicKey, auxRand, message, signature, result] = fields
      .slice(0, 7).map((field) => field.toLowerCase());
    assert.ok(result === "true" || result === "false", `bad CSV row: ${line}`);
    return {
      index: index!,
      secretKey: secretKey!,
      publicKey: publicKey!,
      auxRand: auxRand!,
      message: message!,
      signature: signature!,
      result: result === "true",
      // The comment is the last column and may itself contain commas.
      comment: fields.slice(7).join(","),
    };
  });
}

const encoder = new TextEncoder();

Deno.test("verifyEd25519() agrees with every Wycheproof vector", async (t) => {
  const file = await loadWycheproof();
  let count = 0;
  for (const group of file.testGroups) {
    const key = fromHex(group.publicKey.pk);
    for (const test of group.tests) {
      count++;
      await t.step(`tcId ${test.tcId} (${test.result}): ${test.comment || "no comment"}`, () => {
        assert.ok(test.result === "valid" || test.result === "invalid");
        const expected = test.result === "valid";
        const sig = fromHex(test.sig);
        const msg = fromHex(test.msg);
        assert.equal(verifyEd25519(key, msg, sig), expected);
        assert.equal(verifyMessage("ed25519-sha512-jcs", key, msg, sig), expected);
      });
    }
  }
  assert.equal(count, file.numberOfTests);
});

Deno.test("verifyBip340() agrees with every BIP-340 vector", async (t) => {
  const rows = await loadBip340();
  assert.ok(rows.length > 0);
  for (const row of rows) {
    const name = `index ${row.index} (${row.result ? "TRUE" : "FALSE"})${
      row.comment === "" ? "" : ": " + row.comment
    }`;
    await t.step(name, () => {
      const key = fromHex(row.publicKey);
      const msg = fromHex(row.message);
      assert.equal(verifyBip340(key, msg, fromHex(row.signature)), row.result);
      if (row.secretKey === "") return;
      const secret = fromHex(row.secretKey);
      assert.equal(toHex(publicKeyOf("nostr-secp256k1-schnorr-sha256-jcs", secret)), row.publicKey);
      // signMessage draws its own aux randomness, so the CSV's aux_rand is checked through noble.
      assert.equal(toHex(schnorr.sign(msg, secret, fromHex(row.auxRand))), row.signature);
    });
  }
});

Deno.test("algForScheme() pairs each scheme with its algorithm", () => {
  assert.equal(algForScheme("ed25519"), "ed25519-sha512-jcs");
  assert.equal(algForScheme("nostr"), "nostr-secp256k1-schnorr-sha256-jcs");
  assert.deepEqual([...ALGS], ["ed25519-sha512-jcs", "nostr-secp256k1-schnorr-sha256-jcs"]);
});

Deno.test("signMessage() and verifyMessage() round-trip", async (t) => {
  const m = encoder.encode('{"primary":"x","seq":0}');
  for (const alg of ALGS) {
    await t.step(alg, () => {
      const secret = generateSecret(alg);
      assert.equal(secret.length, 32);
      const key = publicKeyOf(alg, secret);
      assert.equal(key.length, 32);
      const sig = signMessage(alg, secret, m);
      assert.equal(sig.length, 64);
      assert.ok(verifyMessage(alg, key, m, sig));

      const other = encoder.encode('{"primary":"x","seq":1}');
      assert.equal(verifyMessage(alg, key, other, sig), false, "another message");
      const flipped = sig.slice();
      flipped[10]! ^= 1;
      assert.equal(verifyMessage(alg, key, m, flipped), false, "a flipped bit");
      const stranger = publicKeyOf(alg, generateSecret(alg));
      assert.equal(verifyMessage(alg, stranger, m, sig), false, "another key");
    });
  }
});

Deno.test("signMessage() for Ed25519 is RFC 8032 PureEdDSA over m itself", () => {
  // RFC 8032 §7.1, test 2: a one-byte message.
  const seed = fromHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
  const sig = signMessage("ed25519-sha512-jcs", seed, fromHex("72"));
  assert.equal(
    toHex(sig),
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da" +
      "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  );
});

Deno.test("verifyMessage() for nostr signs SHA-256(m), not m", () => {
  const alg = "nostr-secp256k1-schnorr-sha256-jcs";
  const secret = generateSecret(alg);
  const key = publicKeyOf(alg, secret);
  const m = encoder.encode('{"op":"add"}');

  const overM = schnorr.sign(m, secret);
  assert.equal(verifyMessage(alg, key, m, overM), false, "a signature over m itself");
  assert.ok(verifyBip340(key, m, overM));

  const overHash = schnorr.sign(sha256(m), secret);
  assert.ok(verifyMessage(alg, key, m, overHash));
  assert.ok(verifyBip340(key, sha256(m), signMessage(alg, secret, m)));
});

Deno.test("verifyMessage() answers false, never throws, for malformed bytes", async (t) => {
  const m = encoder.encode("{}");
  for (const alg of ALGS) {
    await t.step(alg, () => {
      const secret = generateSecret(alg);
      const key = publicKeyOf(alg, secret);
      const sig = signMessage(alg, secret, m);
      assert.equal(verifyMessage(alg, key, m, sig.subarray(0, 63)), false, "63-byte signature");
      assert.equal(verifyMessage(alg, key, m, new Uint8Array(65)), false, "65-byte signature");
      assert.equal(verifyMessage(alg, key.subarray(1), m, sig), false, "31-byte key");
      assert.equal(verifyMessage(alg, new Uint8Array(33), m, sig), false, "33-byte key");
      assert.equal(verifyMessage(alg, new Uint8Array(0), m, new Uint8Array(0)), false, "empty");
    });
  }
});
