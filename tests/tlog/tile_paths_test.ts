import assert from "node:assert/strict";
import { KezError } from "../../lib/protocol/error.ts";
import { formatTileIndex, formatTilePath, parseTilePath, type Tile } from "../../lib/tlog/tiles.ts";

function assertNotFound(path: string): void {
  assert.throws(() => parseTilePath(path), (e) => {
    assert.ok(e instanceof KezError, `${path}: expected a KezError, got ${e}`);
    assert.equal(e.code, "not_found");
    return true;
  }, path);
}

Deno.test("tile paths", async (t) => {
  await t.step("spell indices in x-prefixed 3-digit groups", () => {
    const cases: [number, string][] = [
      [0, "000"],
      [7, "007"],
      [999, "999"],
      [1000, "x001/000"],
      [1001, "x001/001"],
      [256_000, "x256/000"],
      [999_999, "x999/999"],
      [1_000_000, "x001/x000/000"],
      [1_234_067, "x001/x234/067"],
      [Number.MAX_SAFE_INTEGER, "x009/x007/x199/x254/x740/991"],
    ];
    for (const [n, path] of cases) {
      assert.equal(formatTileIndex(n), path);
      assert.deepEqual(parseTilePath(`tile/0/${path}`), { level: 0, index: n, width: 256 });
    }
  });

  await t.step("round-trip for levels, entries, partial widths and many indices", () => {
    const indices = [...Array(2100).keys(), 65_535, 65_536, 999_999_999, 1e12, 2 ** 40 + 5];
    for (const index of indices) {
      for (const level of [0, 1, 2, 63, "entries"] as const) {
        for (const width of [1, 17, 255, 256]) {
          const tile: Tile = { level, index, width };
          assert.deepEqual(parseTilePath(formatTilePath(tile)), tile);
        }
      }
    }
    assert.equal(
      formatTilePath({ level: 63, index: 1_234_067, width: 1 }),
      "tile/63/x001/x234/067.p/1",
    );
    assert.equal(
      formatTilePath({ level: "entries", index: 1000, width: 256 }),
      "tile/entries/x001/000",
    );
  });

  await t.step("refuse every other spelling (c2sp.org/tlog-tiles, spec §10.3)", () => {
    const bad = [
      // <N>: "zero-padded 3-digit path elements", "all but the last" with `x`.
      "tile/0/x1/234",
      "tile/0/1",
      "tile/0/01",
      "tile/0/0001",
      "tile/0/1234",
      "tile/0/1234067",
      "tile/0/x001234",
      "tile/0/001/234",
      "tile/0/x001/x234",
      "tile/0/X001/234",
      "tile/0/x001/x234/67",
      "tile/0/٠٠١",
      "tile/0/+01",
      "tile/0/ 01",
      "tile/0/x-01/000",
      // The index has one spelling: no redundant leading group.
      "tile/0/x000/001",
      "tile/0/x000/x001/000",
      // Beyond a safe integer.
      "tile/0/x010/x000/x000/x000/x000/x000/000",
      // <L>: 0 to 63, "with no additional leading zeroes"; or `entries`.
      "tile/00/000",
      "tile/01/000",
      "tile/64/000",
      "tile/100/000",
      "tile/-1/000",
      "tile/entry/000",
      "tile/Entries/000",
      "tile//000",
      // <W>: 1 to 255, "with no additional leading zeroes"; a full tile has no suffix.
      "tile/0/000.p/0",
      "tile/0/000.p/256",
      "tile/0/000.p/01",
      "tile/0/000.p/",
      "tile/0/000.p/1a",
      "tile/0/000.P/5",
      "tile/0/000.p5",
      "tile/0/000.p/-1",
      "tile/entries/000.p/256",
      // The frame.
      "",
      "tile",
      "tile/0",
      "tile/0/",
      "tile/0/000/",
      "/tile/0/000",
      "tile/0/000.p/255/",
      "tile/0/000\n",
      "tiles/0/000",
      "tile/0/000?x=1",
    ];
    for (const path of bad) assertNotFound(path);
  });

  await t.step("refuse to spell impossible tiles", () => {
    const bad: Tile[] = [
      { level: 64, index: 0, width: 256 },
      { level: -1, index: 0, width: 256 },
      { level: 1.5, index: 0, width: 256 },
      { level: 0, index: -1, width: 256 },
      { level: 0, index: 1.5, width: 256 },
      { level: 0, index: 2 ** 53, width: 256 },
      { level: 0, index: 0, width: 0 },
      { level: 0, index: 0, width: 257 },
    ];
    for (const tile of bad) {
      assert.throws(() => formatTilePath(tile), RangeError, JSON.stringify(tile));
    }
  });
});
