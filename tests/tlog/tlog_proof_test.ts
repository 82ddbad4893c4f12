import assert from "node:assert/strict";
import { ed25519 } from "@noble/curves/ed25519.js";
import { base64 } from "@scure/base";
import { signCheckpoint } from "../../lib/tlog/checkpoint.ts";
import { MemoryHashReader } from "../../lib/tlog/hash_reader.ts";
import { inclusionProof } from "../../lib/tlog/proofs.ts";
import { TlogError } from "../../lib/tlog/tlog_error.ts";
import { formatTlogProof, openTlogProof, parseTlogProof } from "../../lib/tlog/tlog_proof.ts";
import { verifierKey } from "../../lib/tlog/verifier_key.ts";
import { naiveLeafHash, naiveMth, naivePath, testLeaves } from "./naive.ts";

const ORIGIN = "example.com/kez";
const seed = new Uint8Array(32).fill(11);
const key = verifierKey(ORIGIN, ed25519.getPublicKey(seed));
const SIZE = 37;
const leaves = testLeaves(SIZE);
const hashes = leaves.map(naiveLeafHash);
const store = new MemoryHashReader(hashes);
const checkpoint = signCheckpoint({ origin: ORIGIN, size: SIZE, root: naiveMth(hashes) }, seed);

/** The proof text spelled out by hand from c2sp.org/tlog-proof, with the naive audit path. */
function expectedText(index: number): string {
  const lines = naivePath(index, hashes).map((h) => `${base64.encode(h)}\n`).join("");
  return `c2sp.org/tlog-proof@v1\nindex ${index}\n${lines}\n${checkpoint}`;
}

Deno.test("tlog-proofs", async (t) => {
  await t.step("format as c2sp.org/tlog-proof@v1 spells it, and parse back", () => {
    for (let index = 0; index < SIZE; index++) {
      const proof = { index, path: inclusionProof(store, index, SIZE), checkpoint };
      const text = formatTlogProof(proof);
      assert.equal(text, expectedText(index));
      assert.deepEqual(parseTlogProof(text), proof);
    }
  });

  await t.step("open for every leaf of the tree", () => {
    for (let index = 0; index < SIZE; index++) {
      const opened = openTlogProof(expectedText(index), leaves[index]!, key);
      assert.equal(opened.index, index);
      assert.equal(opened.checkpoint.size, SIZE);
      assert.equal(opened.note, checkpoint);
    }
  });

  await t.step("fail for another leaf, index, path, key or checkpoint", () => {
    const text = expectedText(5);
    assert.throws(() => openTlogProof(text, leaves[6]!, key), TlogError, "another leaf");
    assert.throws(
      () => openTlogProof(text.replace("index 5", "index 6"), leaves[5]!, key),
      TlogError,
    );
    assert.throws(
      () => openTlogProof(text.replace("index 5", "index 37"), leaves[5]!, key),
      TlogError,
    );
    const [first] = naivePath(5, hashes).map((h) => base64.encode(h));
    const changed = text.replace(first!, base64.encode(new Uint8Array(32)));
    assert.throws(() => openTlogProof(changed, leaves[5]!, key), TlogError, "changed path");
    assert.throws(() => openTlogProof(text.replace(`${first}\n`, ""), leaves[5]!, key), TlogError);
    const stranger = verifierKey(ORIGIN, ed25519.getPublicKey(new Uint8Array(32).fill(12)));
    assert.throws(() => openTlogProof(text, leaves[5]!, stranger), TlogError, "another key");
    // A genuine checkpoint of a smaller tree, which the path does not lead to.
    const older = signCheckpoint(
      { origin: ORIGIN, size: 36, root: naiveMth(hashes.slice(0, 36)) },
      seed,
    );
    const stale = formatTlogProof({ index: 5, path: naivePath(5, hashes), checkpoint: older });
    assert.throws(() => openTlogProof(stale, leaves[5]!, key), TlogError, "older checkpoint");
  });

  await t.step("accept the optional extra line of c2sp.org/tlog-proof", () => {
    const extra = new Uint8Array([1, 2, 3]);
    const text = formatTlogProof({ extra, index: 2, path: naivePath(2, hashes), checkpoint });
    assert.ok(text.startsWith("c2sp.org/tlog-proof@v1\nextra AQID\nindex 2\n"));
    assert.deepEqual(parseTlogProof(text).extra, extra);
    assert.equal(openTlogProof(text, leaves[2]!, key).index, 2);
  });

  await t.step("parse strictly", () => {
    const good = expectedText(3);
    const hash = base64.encode(naivePath(3, hashes)[0]!);
    const bad = [
      "",
      good.replace("c2sp.org/tlog-proof@v1", "c2sp.org/tlog-proof@v2"),
      good.replace("c2sp.org/tlog-proof@v1\n", ""),
      good.replace("index 3", "index 03"),
      good.replace("index 3", "index +3"),
      good.replace("index 3", "index -3"),
      good.replace("index 3", "index  3"),
      good.replace("index 3", "index"),
      good.replace("index 3", "index 9007199254740992"),
      good.replace("index 3\n", "index 3\nextra AQID\n"), // extra comes before index
      good.replace("index 3", "extra !!\nindex 3"),
      good.replace(hash, hash.slice(0, -1)),
      good.replace(hash, base64.encode(new Uint8Array(31))),
      good.replace(`${hash}\n`, `${hash}\r\n`),
      good.slice(0, good.indexOf("\n\n") + 2), // no checkpoint
      good.slice(0, good.indexOf("\n\n")), // no empty line
    ];
    for (const text of bad) {
      assert.throws(() => parseTlogProof(text), SyntaxError, JSON.stringify(text));
    }
  });

  await t.step("refuse to format impossible proofs", () => {
    assert.throws(() => formatTlogProof({ index: -1, path: [], checkpoint }), RangeError);
    assert.throws(() => formatTlogProof({ index: 0.5, path: [], checkpoint }), RangeError);
    assert.throws(
      () => formatTlogProof({ index: 0, path: [new Uint8Array(31)], checkpoint }),
      RangeError,
    );
  });
});
