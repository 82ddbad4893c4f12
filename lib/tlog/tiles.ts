/**
 * C2SP tlog-tiles (c2sp.org/tlog-tiles) hash tiles: their paths, which tree
 * has which tile, and a tile's bytes. Tiles are 8 levels high, so a full tile
 * holds 256 hashes.
 *
 * @module
 */

import { KezError } from "../protocol/mod.ts";
import type { HashReader } from "./hash_reader.ts";
import { HASH_SIZE } from "./merkle.ts";

/** The number of tree levels a tile spans. */
export const TILE_HEIGHT = 8;
/** The number of hashes (or entries) of a full tile (or bundle). */
export const TILE_WIDTH = 256;

/** A hash tile (`level` a number) or an entry bundle (`level` `"entries"`). */
export interface Tile {
  /** The tile's level, 0 to 63, or `"entries"` for an entry bundle. */
  readonly level: number | "entries";
  /** The tile's position within its level. */
  readonly index: number;
  /** How many hashes or entries it has: 256 for a full tile, 1 to 255 for a partial one. */
  readonly width: number;
}

/**
 * Spells a tile index the C2SP way: 3-digit groups, all but the last
 * prefixed with `x` (1234067 is `x001/x234/067`).
 *
 * @param index a safe non-negative integer
 * @returns the index's path elements
 * @throws {RangeError} if `index` is not a safe non-negative integer
 *
 * @example
 * ```ts
 * import { formatTileIndex } from "./tiles.ts";
 * if (formatTileIndex(1234067) !== "x001/x234/067") throw new Error("unexpected");
 * if (formatTileIndex(5) !== "005") throw new Error("unexpected");
 * ```
 */
export function formatTileIndex(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new RangeError(`Invalid tile index ${index}`);
  }
  let path = String(index % 1000).padStart(3, "0");
  for (let n = Math.floor(index / 1000); n > 0; n = Math.floor(n / 1000)) {
    path = `x${String(n % 1000).padStart(3, "0")}/${path}`;
  }
  return path;
}

/**
 * The path of a tile or bundle below the log's prefix:
 * `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]`.
 *
 * @param tile the tile
 * @returns its path, with `.p/<W>` only when partial
 * @throws {RangeError} if the level, index or width is out of range
 *
 * @example
 * ```ts
 * import { formatTilePath } from "./tiles.ts";
 * if (formatTilePath({ level: 1, index: 1234067, width: 256 }) !== "tile/1/x001/x234/067") throw new Error("full");
 * if (formatTilePath({ level: "entries", index: 0, width: 17 }) !== "tile/entries/000.p/17") throw new Error("partial");
 * ```
 */
export function formatTilePath(tile: Tile): string {
  const { level, index, width } = tile;
  if (level !== "entries" && !(Number.isInteger(level) && level >= 0 && level <= 63)) {
    throw new RangeError(`Invalid tile level ${level}`);
  }
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) {
    throw new RangeError(`Invalid tile width ${width}`);
  }
  const partial = width < TILE_WIDTH ? `.p/${width}` : "";
  return `tile/${level}/${formatTileIndex(index)}${partial}`;
}

// c2sp.org/tlog-tiles: <L> is 0 to 63 "with no additional leading zeroes"; <N> is
// "zero-padded 3-digit path elements", "all but the last" beginning with `x`;
// <W> is 1 to 255, again without leading zeroes.
const TILE_PATH =
  /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/;

/**
 * Parses a tile or bundle path, accepting only the one spelling that
 * {@linkcode formatTilePath} writes: spec §10.3 answers any other spelling
 * `404`, so that each tile has one URL and one cache entry. A redundant
 * leading `x000/` group is another spelling and is refused too.
 *
 * @param path the path below the log's prefix, e.g. `tile/0/x001/234.p/8`
 * @returns the tile it names
 * @throws {KezError} `not_found` for anything but a canonical tile path
 *
 * @example
 * ```ts
 * import { parseTilePath } from "./tiles.ts";
 * const tile = parseTilePath("tile/2/x001/x234/067.p/8");
 * if (tile.level !== 2 || tile.index !== 1234067 || tile.width !== 8) throw new Error("unexpected");
 * let refused = false;
 * try { parseTilePath("tile/2/1234067"); } catch { refused = true; }
 * if (!refused) throw new Error("only the x-group spelling is a tile path");
 * ```
 */
export function parseTilePath(path: string): Tile {
  const [, l, n, w] = TILE_PATH.exec(path) ?? [];
  const groups = n?.split("/") ?? [];
  const level = l === "entries" ? "entries" : Number(l);
  const index = Number(groups.map((g) => g.replace("x", "")).join(""));
  const width = w === undefined ? TILE_WIDTH : Number(w);
  const bad = l === undefined || (groups.length > 1 && groups[0] === "x000") ||
    (typeof level === "number" && level > 63) || (w !== undefined && width >= TILE_WIDTH) ||
    !Number.isSafeInteger(index);
  if (bad) {
    // Cut short: a path may be 64 KiB, its answer should not be.
    const shown = path.length > 80 ? `${path.slice(0, 79)}…` : path;
    throw new KezError("not_found", `Not a tile path: ${JSON.stringify(shown)}`);
  }
  return { level, index, width };
}

/**
 * How many hashes (or entries) of a tile the tree of `size` leaves has. The
 * tile's hash `i` covers the `256^level` leaves from `(index·256 + i)·256^level`.
 *
 * @param level the tile's level, or `"entries"` (which counts as level 0)
 * @param index the tile's position within its level
 * @param size the tree size
 * @returns 0 to 256: 256 means the full tile exists; any width from 1 up to
 * the answer can be served as a partial tile
 *
 * @example
 * ```ts
 * import { availableWidth } from "./tiles.ts";
 * // c2sp.org/tlog-tiles: a tree of 70,000 has a level-1 tile 1 of width 17.
 * if (availableWidth(1, 1, 70_000) !== 17) throw new Error("unexpected");
 * if (availableWidth(0, 273, 70_000) !== 112) throw new Error("unexpected");
 * ```
 */
export function availableWidth(level: number | "entries", index: number, size: number): number {
  const span = TILE_WIDTH ** (level === "entries" ? 0 : level);
  const have = Math.floor(size / span) - index * TILE_WIDTH;
  return Math.max(0, Math.min(TILE_WIDTH, have));
}

/**
 * A hash tile's bytes: its `width` hashes concatenated, in O(width) reads.
 *
 * @param reader the log's hashes
 * @param tile a hash tile (not an entry bundle)
 * @returns `32 · width` bytes
 * @throws {RangeError} if `tile` is an entry bundle, or the reader lacks a hash
 *
 * @example
 * ```ts
 * import { readTile } from "./tiles.ts";
 * import { MemoryHashReader } from "./hash_reader.ts";
 * import { leafHash } from "./merkle.ts";
 * const store = new MemoryHashReader([1, 2, 3].map((x) => leafHash(new Uint8Array([x]))));
 * const bytes = readTile(store, { level: 0, index: 0, width: 3 });
 * if (bytes.length !== 96) throw new Error("unexpected");
 * ```
 */
export function readTile(reader: HashReader, tile: Tile): Uint8Array {
  if (tile.level === "entries") throw new RangeError("An entry bundle holds no hashes");
  const bytes = new Uint8Array(tile.width * HASH_SIZE);
  for (let i = 0; i < tile.width; i++) {
    bytes.set(reader.hashAt(tile.level * TILE_HEIGHT, tile.index * TILE_WIDTH + i), i * HASH_SIZE);
  }
  return bytes;
}
