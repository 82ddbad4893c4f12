import assert from "node:assert/strict";
import { decodeEntryBundle, encodeEntryBundle } from "../../lib/tlog/entry_bundle.ts";
import { MemoryHashReader } from "../../lib/tlog/hash_reader.ts";
import { CompactRange } from "../../lib/tlog/merkle.ts";
import { availableWidth, readTile } from "../../lib/tlog/tiles.ts";
import { naiveLeafHash, naiveMth, testLeaves } from "./naive.ts";

Deno.test("tiles against a naive tree", async (t) => {
  // c2sp.org/tlog-tiles: "The partial tile at level l for a tree of size s has
  // floor(s / 256**l) mod 256 entries", after floor(s / 256**(l+1)) full tiles.
  const fullTiles = (level: number, size: number) => Math.floor(size / 256 ** (level + 1));
  const partialWidth = (level: number, size: number) => Math.floor(size / 256 ** level) % 256;

  await t.step("the worked examples of c2sp.org/tlog-tiles", () => {
    // "a tree of size 70,000 will be represented by 273 full level 0 tiles, one partial
    // level 0 tile of width 112, one full level 1 tile, one partial level 1 tile of
    // width 17, and one partial level 2 tile of width 1."
    assert.equal(availableWidth(0, 272, 70_000), 256);
    assert.equal(availableWidth(0, 273, 70_000), 112);
    assert.equal(availableWidth(0, 274, 70_000), 0);
    assert.equal(availableWidth("entries", 273, 70_000), 112);
    assert.equal(availableWidth(1, 0, 70_000), 256);
    assert.equal(availableWidth(1, 1, 70_000), 17);
    assert.equal(availableWidth(2, 0, 70_000), 1);
    assert.equal(availableWidth(3, 0, 70_000), 0);
    // "a tree of size 256 will be represented by a full level 0 tile and a partial
    // level 1 tile of width 1."
    assert.equal(availableWidth(0, 0, 256), 256);
    assert.equal(availableWidth(0, 1, 256), 0);
    assert.equal(availableWidth(1, 0, 256), 1);
    assert.equal(availableWidth(2, 0, 256), 0);
  });

  const max = 65_536 + 256 + 3;
  const leaves = testLeaves(max);
  const leafHashes = leaves.map(naiveLeafHash);
  const store = new MemoryHashReader(leafHashes);
  // A hash of a tile never changes once it exists, so one cache serves every size.
  const cache = new Map<string, Uint8Array>();
  // The tile's hash i is MTH(D[(n·256 + i)·256^l : (n·256 + i + 1)·256^l]) (c2sp.org/tlog-tiles).
  const expectedHash = (level: number, n: number, i: number) => {
    const key = `${level}/${n}/${i}`;
    const span = 256 ** level;
    if (!cache.has(key)) {
      cache.set(key, naiveMth(leafHashes, (n * 256 + i) * span, (n * 256 + i + 1) * span));
    }
    return cache.get(key)!;
  };
  const sizes = [1, 255, 256, 257, 511, 512, 513, 65_535, 65_536, 65_537, 65_536 + 256, max];

  for (const size of sizes) {
    await t.step(`size ${size}: every tile of levels 0 to 2, full and partial`, () => {
      for (const level of [0, 1, 2, 3]) {
        const full = fullTiles(level, size);
        const partial = partialWidth(level, size);
        for (let n = 0; n <= full + 1; n++) {
          const width = n < full ? 256 : n === full ? partial : 0;
          assert.equal(availableWidth(level, n, size), width, `level ${level}, tile ${n}`);
          if (width === 0) continue;
          const bytes = readTile(store, { level, index: n, width });
          assert.equal(bytes.length, 32 * width);
          for (let i = 0; i < width; i++) {
            assert.deepEqual(bytes.subarray(32 * i, 32 * i + 32), expectedHash(level, n, i));
          }
          // Every narrower partial tile is the same prefix.
          for (const w of [1, Math.ceil(width / 2)]) {
            assert.deepEqual(
              readTile(store, { level, index: n, width: w }),
              bytes.subarray(0, 32 * w),
            );
          }
        }
      }
    });
  }

  await t.step("the level-0 tiles hash to the tree's root", () => {
    for (const size of sizes) {
      const fromTiles: Uint8Array[] = [];
      for (let n = 0; n * 256 < size; n++) {
        const tile = readTile(store, { level: 0, index: n, width: availableWidth(0, n, size) });
        for (let i = 0; i < tile.length; i += 32) fromTiles.push(tile.subarray(i, i + 32));
      }
      assert.deepEqual(naiveMth(fromTiles), CompactRange.fromReader(size, store).root());
    }
  });

  await t.step("entry bundles hash to the level-0 tiles", () => {
    for (const size of [1, 255, 256, 257, 65_537]) {
      for (let n = 0; n * 256 < size; n++) {
        const width = availableWidth("entries", n, size);
        const entries = leaves.slice(n * 256, n * 256 + width);
        const bundle = encodeEntryBundle(entries);
        const decoded = decodeEntryBundle(bundle);
        assert.deepEqual(decoded, entries);
        const tile = readTile(store, { level: 0, index: n, width });
        decoded.forEach((entry, i) =>
          assert.deepEqual(naiveLeafHash(entry), tile.subarray(32 * i, 32 * i + 32))
        );
      }
    }
  });

  await t.step("an entry bundle is not a hash tile", () => {
    assert.throws(() => readTile(store, { level: "entries", index: 0, width: 1 }), RangeError);
  });
});

Deno.test("entry bundles", async (t) => {
  await t.step("prefix each leaf with its big-endian uint16 length", () => {
    const long = new Uint8Array(0x1234).fill(9);
    const bundle = encodeEntryBundle([new Uint8Array(), new Uint8Array([5]), long]);
    assert.deepEqual([...bundle.subarray(0, 5)], [0, 0, 0, 1, 5]);
    assert.deepEqual([...bundle.subarray(5, 7)], [0x12, 0x34]);
    assert.equal(bundle.length, 2 + 3 + 2 + 0x1234);
    assert.deepEqual(decodeEntryBundle(bundle), [new Uint8Array(), new Uint8Array([5]), long]);
    assert.deepEqual(decodeEntryBundle(new Uint8Array()), []);
  });

  await t.step("carry leaves up to 65,535 bytes, no longer", () => {
    const max = new Uint8Array(65_535);
    assert.deepEqual(decodeEntryBundle(encodeEntryBundle([max])), [max]);
    assert.throws(() => encodeEntryBundle([new Uint8Array(65_536)]), RangeError);
  });

  await t.step("refuse truncated bundles", () => {
    for (const bytes of [[0], [0, 2, 1], [0, 1, 1, 0], [0xff, 0xff]]) {
      assert.throws(() => decodeEntryBundle(new Uint8Array(bytes)), SyntaxError, `${bytes}`);
    }
  });
});
