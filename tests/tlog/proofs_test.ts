import assert from "node:assert/strict";
import { type HashReader, MemoryHashReader } from "../../lib/tlog/hash_reader.ts";
import { emptyRoot } from "../../lib/tlog/merkle.ts";
import {
  consistencyProof,
  inclusionProof,
  verifyConsistency,
  verifyInclusion,
} from "../../lib/tlog/proofs.ts";
import { naiveLeafHash, naiveMth, naivePath, naiveProof, testLeaves } from "./naive.ts";

const MAX = 40;
const hashes = testLeaves(MAX).map(naiveLeafHash);
// Holds all 40 leaves, so every proof below is for a tree older than the store's.
const store = new MemoryHashReader(hashes);
const roots = Array.from({ length: MAX + 1 }, (_, n) => naiveMth(hashes, 0, n));

/** Every copy of `proof` with one bit of one hash flipped. */
function* tampered(proof: readonly Uint8Array[]): Generator<Uint8Array[]> {
  for (let i = 0; i < proof.length; i++) {
    const copy = proof.map((h) => h.slice());
    copy[i]![i % 32]! ^= 1;
    yield copy;
  }
}

/** Counts the reads a proof takes. */
class CountingReader implements HashReader {
  reads = 0;
  constructor(readonly inner: HashReader) {}
  hashAt(level: number, index: number): Uint8Array {
    this.reads++;
    return this.inner.hashAt(level, index);
  }
}

Deno.test("inclusion proofs", async (t) => {
  await t.step("equal RFC 6962 PATH for every size 1 to 40 and every index", () => {
    for (let n = 1; n <= MAX; n++) {
      for (let m = 0; m < n; m++) {
        const path = inclusionProof(store, m, n);
        assert.deepEqual(path, naivePath(m, hashes.slice(0, n)), `index ${m}, size ${n}`);
        assert.ok(verifyInclusion(hashes[m]!, m, n, path, roots[n]!), `index ${m}, size ${n}`);
      }
    }
  });

  await t.step("fail for a changed hash, leaf, index, root or path length", () => {
    for (let n = 1; n <= MAX; n++) {
      for (let m = 0; m < n; m++) {
        const path = inclusionProof(store, m, n);
        for (const bad of tampered(path)) {
          assert.ok(!verifyInclusion(hashes[m]!, m, n, bad, roots[n]!));
        }
        const other = hashes[(m + 1) % MAX]!;
        assert.ok(!verifyInclusion(other, m, n, path, roots[n]!), "another leaf");
        assert.ok(!verifyInclusion(hashes[m]!, m, n, path, roots[n - 1]!), "another root");
        assert.ok(!verifyInclusion(hashes[m]!, m, n, [...path, roots[n]!], roots[n]!), "longer");
        if (path.length > 0) {
          assert.ok(!verifyInclusion(hashes[m]!, m, n, path.slice(1), roots[n]!), "shorter");
        }
        for (let other = 0; other < n; other++) {
          if (other !== m) assert.ok(!verifyInclusion(hashes[m]!, other, n, path, roots[n]!));
        }
      }
    }
  });

  await t.step("refuse impossible arguments with RangeError", () => {
    for (const [m, n] of [[0, 0], [5, 5], [6, 5], [-1, 5], [1.5, 5], [0, 2 ** 53]]) {
      assert.throws(() => inclusionProof(store, m!, n!), RangeError, `${m}, ${n}`);
      assert.throws(() => verifyInclusion(hashes[0]!, m!, n!, [], roots[1]!), RangeError);
    }
  });

  await t.step("need hashes the reader has", () => {
    assert.throws(
      () => inclusionProof(new MemoryHashReader(hashes.slice(0, 10)), 0, 20),
      RangeError,
    );
  });
});

Deno.test("consistency proofs", async (t) => {
  await t.step("equal RFC 6962 PROOF for every 1 ≤ m ≤ n ≤ 40", () => {
    for (let n = 1; n <= MAX; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(store, m, n);
        assert.deepEqual(proof, naiveProof(m, hashes.slice(0, n)), `${m} → ${n}`);
        assert.ok(verifyConsistency(m, n, roots[m]!, roots[n]!, proof), `${m} → ${n}`);
      }
    }
  });

  await t.step("fail for a changed hash, root or proof length", () => {
    for (let n = 1; n <= MAX; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(store, m, n);
        for (const bad of tampered(proof)) {
          assert.ok(!verifyConsistency(m, n, roots[m]!, roots[n]!, bad));
        }
        assert.ok(!verifyConsistency(m, n, roots[m - 1]!, roots[n]!, proof), "another old root");
        assert.ok(!verifyConsistency(m, n, roots[m]!, roots[n - 1]!, proof), "another new root");
        assert.ok(!verifyConsistency(m, n, roots[m]!, roots[n]!, [...proof, roots[n]!]), "longer");
        if (proof.length > 0) {
          assert.ok(!verifyConsistency(m, n, roots[m]!, roots[n]!, proof.slice(1)), "shorter");
        }
        if (m < n) {
          assert.ok(!verifyConsistency(m, n, roots[n]!, roots[m]!, proof), "roots swapped");
          assert.ok(!verifyConsistency(m, n, roots[m]!, roots[n]!, []), "empty");
        }
      }
    }
  });

  await t.step("from the empty tree are empty and need the empty root", () => {
    for (let n = 0; n <= MAX; n++) {
      assert.deepEqual(consistencyProof(store, 0, n), []);
      assert.ok(verifyConsistency(0, n, emptyRoot(), roots[n]!, []));
      assert.ok(!verifyConsistency(0, n, roots[1]!, roots[n]!, []));
      assert.ok(!verifyConsistency(0, n, emptyRoot(), roots[n]!, [roots[n]!]));
    }
  });

  await t.step("refuse impossible arguments with RangeError", () => {
    for (const [m, n] of [[2, 1], [-1, 3], [1, 2.5], [1, 2 ** 53]]) {
      assert.throws(() => consistencyProof(store, m!, n!), RangeError, `${m}, ${n}`);
      assert.throws(() => verifyConsistency(m!, n!, roots[1]!, roots[1]!, []), RangeError);
    }
  });
});

Deno.test("proofs take O(log n) reads", async (t) => {
  const size = 70_000;
  const sample = [1, 2, 255, 256, 257, 65_535, 65_536, 65_537, 69_999, 70_000];
  const big = new MemoryHashReader();
  const rootAt = new Map<number, Uint8Array>();
  for (const leaf of testLeaves(size)) {
    big.append(naiveLeafHash(leaf));
    if (sample.includes(big.size)) rootAt.set(big.size, big.root());
  }
  const log2 = Math.ceil(Math.log2(size));

  await t.step("inclusion: at most 2·⌈log2 n⌉ hashes read", () => {
    for (const n of sample) {
      for (const m of sample.filter((m) => m < n).concat(0)) {
        const reader = new CountingReader(big);
        const path = inclusionProof(reader, m, n);
        assert.ok(reader.reads <= 2 * log2, `${m}, ${n}: ${reader.reads} reads`);
        assert.ok(verifyInclusion(big.hashAt(0, m), m, n, path, rootAt.get(n)!));
      }
    }
  });

  await t.step("consistency: at most 2·⌈log2 n⌉ hashes read", () => {
    for (const n of sample) {
      for (const m of sample.filter((m) => m <= n)) {
        const reader = new CountingReader(big);
        const proof = consistencyProof(reader, m, n);
        assert.ok(reader.reads <= 2 * log2, `${m}, ${n}: ${reader.reads} reads`);
        const [a, b] = [rootAt.get(m)!, rootAt.get(n)!];
        assert.ok(verifyConsistency(m, n, a, b, proof));
      }
    }
  });
});
