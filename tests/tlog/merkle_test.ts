import assert from "node:assert/strict";
import { fromHex, toHex } from "../../lib/protocol/hex.ts";
import { MemoryHashReader } from "../../lib/tlog/hash_reader.ts";
import { CompactRange, emptyRoot, leafHash, nodeHash, rootOf } from "../../lib/tlog/merkle.ts";
import { naiveLeafHash, naiveMth, testLeaves } from "./naive.ts";

/**
 * The inputs of the Certificate Transparency reference tests
 * (certificate-transparency merkle_tree_test), reused by RFC 9162
 * implementations, with the published roots of their first 1…8 leaves.
 */
const CT_INPUTS = [
  "",
  "00",
  "10",
  "2021",
  "3031",
  "40414243",
  "5051525354555657",
  "606162636465666768696a6b6c6d6e6f",
];
const CT_ROOTS = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

Deno.test("RFC 6962 hashing", async (t) => {
  await t.step("the empty tree's root is SHA-256 of nothing", () => {
    assert.equal(
      toHex(emptyRoot()),
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    assert.deepEqual(rootOf([]), emptyRoot());
    assert.deepEqual(new CompactRange().root(), emptyRoot());
  });

  await t.step("leaf and node hashes carry the 0x00 and 0x01 prefixes", () => {
    const [a, b] = [fromHex("aa"), fromHex("bb")];
    assert.deepEqual(leafHash(a), naiveLeafHash(a));
    assert.equal(
      toHex(leafHash(new Uint8Array())),
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    );
    assert.deepEqual(nodeHash(a, b), naiveMth([a, b]));
  });

  await t.step("the Certificate Transparency reference roots, sizes 1 to 8", () => {
    const hashes = CT_INPUTS.map((h) => leafHash(fromHex(h)));
    for (let n = 1; n <= 8; n++) {
      assert.equal(toHex(rootOf(hashes.slice(0, n))), CT_ROOTS[n - 1], `size ${n}`);
      assert.equal(toHex(naiveMth(hashes.slice(0, n))), CT_ROOTS[n - 1], `naive, size ${n}`);
    }
  });

  await t.step("rootOf is the recursive MTH for every size 0 to 40", () => {
    const hashes = testLeaves(40).map(naiveLeafHash);
    for (let n = 0; n <= 40; n++) {
      assert.deepEqual(rootOf(hashes.slice(0, n)), naiveMth(hashes.slice(0, n)));
    }
  });
});

Deno.test("CompactRange", async (t) => {
  const hashes = testLeaves(70).map(naiveLeafHash);

  await t.step("follows the root after every append", () => {
    const range = new CompactRange();
    for (let n = 1; n <= hashes.length; n++) {
      range.append(hashes[n - 1]!);
      assert.equal(range.size, n);
      assert.deepEqual(range.root(), naiveMth(hashes, 0, n), `size ${n}`);
    }
  });

  await t.step("reports exactly the complete subtrees each leaf completes", () => {
    const range = new CompactRange();
    for (let i = 0; i < hashes.length; i++) {
      const made = range.append(hashes[i]!);
      // Leaf i completes the subtree of level l ending at it iff 2^l divides i + 1.
      let expected = 0;
      while ((i + 1) % 2 ** expected === 0) expected++;
      assert.equal(made.length, expected, `leaf ${i}`);
      for (const node of made) {
        const start = node.index * 2 ** node.level;
        assert.equal(start + 2 ** node.level, i + 1);
        assert.deepEqual(node.hash, naiveMth(hashes, start, i + 1));
      }
    }
  });

  await t.step("resumes from stored hashes at every size", () => {
    const store = new MemoryHashReader(hashes);
    for (let n = 0; n <= 60; n++) {
      const resumed = CompactRange.fromReader(n, store);
      assert.equal(resumed.size, n);
      assert.deepEqual(resumed.root(), naiveMth(hashes, 0, n));
      for (let i = n; i < hashes.length; i++) resumed.append(hashes[i]!);
      assert.deepEqual(resumed.root(), naiveMth(hashes));
    }
  });

  await t.step("refuses a leaf hash of the wrong length", () => {
    assert.throws(() => new CompactRange().append(new Uint8Array(31)), RangeError);
    assert.throws(() => rootOf([new Uint8Array(33)]), RangeError);
  });

  await t.step("refuses an impossible size to resume at", () => {
    const store = new MemoryHashReader(hashes);
    for (const size of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1]) {
      assert.throws(() => CompactRange.fromReader(size, store), RangeError);
    }
    assert.throws(() => CompactRange.fromReader(71, store), RangeError, "beyond what is stored");
  });
});
