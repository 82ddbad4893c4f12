/**
 * A tile of the transparency log (C2SP tlog-tiles) built from a store's rows,
 * the same way for every store: an entry bundle from the entries, a level-0
 * tile from the leaf hashes, and higher levels from the stored tree.
 *
 * @module
 */

import { encodeEntryBundle, HASH_SIZE, type Tile, TILE_WIDTH } from "../tlog/mod.ts";

/** What a store reads for {@linkcode buildTile}; each may be synchronous. */
export interface TileRows {
  /** The entry lines of leaves `start … end − 1`, in order. */
  entries(start: number, end: number): string[] | Promise<string[]>;
  /** The leaf hashes of leaves `start … end − 1`, in order. */
  leafHashes(start: number, end: number): Uint8Array[] | Promise<Uint8Array[]>;
  /** A tile above the leaves, from the hashes the store keeps of the tree. */
  upperTile(tile: Tile): Uint8Array | Promise<Uint8Array>;
}

const encoder = new TextEncoder();

/**
 * Builds a tile from a store's rows.
 *
 * @param tile the tile, within the current tree
 * @param rows how the store reads them
 * @returns the tile's bytes
 * @throws {Error} when the store lacks leaf hashes the tile needs
 *
 * @example
 * ```ts
 * import { buildTile } from "./log_tile.ts";
 * const leaf = new Uint8Array(32).fill(7);
 * const rows = { entries: () => ["{}"], leafHashes: () => [leaf], upperTile: () => new Uint8Array() };
 * const tile = await buildTile({ level: 0, index: 0, width: 1 }, rows);
 * if (tile.length !== 32 || tile[0] !== 7) throw new Error("level 0");
 * const bundle = await buildTile({ level: "entries", index: 0, width: 1 }, rows);
 * if (bundle.length !== 4) throw new Error("entries: a uint16 length and the line");
 * ```
 */
export async function buildTile(tile: Tile, rows: TileRows): Promise<Uint8Array<ArrayBuffer>> {
  const start = tile.index * TILE_WIDTH;
  if (tile.level === "entries") {
    const lines = await rows.entries(start, start + tile.width);
    return encodeEntryBundle(lines.map((l) => encoder.encode(l))) as Uint8Array<ArrayBuffer>;
  }
  // Above the leaves, each hash is in the row of the leaf that completed it.
  if (tile.level > 0) return await rows.upperTile(tile) as Uint8Array<ArrayBuffer>;
  const hashes = await rows.leafHashes(start, start + tile.width);
  if (hashes.length !== tile.width) {
    throw new Error(`The log lacks hashes of tile ${tile.level}/${tile.index}`);
  }
  const bytes = new Uint8Array(tile.width * HASH_SIZE);
  hashes.forEach((hash, i) => bytes.set(hash, i * HASH_SIZE));
  return bytes;
}
