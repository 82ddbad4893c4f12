/**
 * A chain's JSONL as a stream that reads the store a page at a time, for
 * chains too long to answer from memory.
 *
 * @module
 */

import { KezError } from "../protocol/mod.ts";
import type { LineRow } from "./chain_rows.ts";
import { encodeLines } from "./chain_jsonl.ts";

/**
 * About how many bytes one pull reads and hands on: small enough that a
 * client that stops reading pins little (20 such clients, about 5 MiB), large
 * enough that a 30 MB chain takes some 120 queries of well under a
 * millisecond each rather than thousands.
 */
export const PAGE_BYTES = 256 * 1024;
/** The most rows of one pull, whatever their size. */
const PAGE_ROWS = 512;

/** Where a stream ends: the head the answer's ETag names. */
export interface StreamEnd {
  /** The last seq to send. */
  readonly seq: number;
  /** Its hash, which the last row read must carry. */
  readonly hash: string;
}

/**
 * Reads rows of one chain.
 *
 * @param after only rows with a greater seq
 * @param limit at most this many
 * @returns rows in seq order, none past the stream's end
 */
export type PageRead = (after: number, limit: number) => LineRow[];

/**
 * Checks a page of rows read by seq range: they follow a seq without a gap,
 * and a page that reaches the end carries the end's hash there. Rows read by
 * range come in seq order, each seq once, so a gap shows in their count.
 *
 * @param rows the rows read, in seq order, none past `end`
 * @param after the seq they follow
 * @param end the head the answer names
 * @throws {KezError} `unavailable` when a row is missing or the end's row is
 *   not the head that was read: the stored chain changed under the read
 *
 * @example
 * ```ts
 * import { checkPage } from "./chain_stream.ts";
 * const rows = [1, 2].map((seq) => ({ seq, envelope_json: "{}", envelope_hash: `h${seq}` }));
 * checkPage(rows, 0, { seq: 2, hash: "h2" });
 * let threw = false;
 * try { checkPage(rows.slice(1), 0, { seq: 2, hash: "h2" }); } catch { threw = true; }
 * if (!threw) throw new Error("seq 1 is missing");
 * ```
 */
export function checkPage(rows: readonly LineRow[], after: number, end: StreamEnd): void {
  const last = rows.at(-1);
  let problem: string | undefined;
  if (last === undefined || last.seq !== after + rows.length) {
    problem = `a row after seq ${after} is missing`;
  } else if (last.seq === end.seq && last.envelope_hash !== end.hash) {
    problem = `seq ${end.seq} is no longer the head that was read`;
  }
  if (problem === undefined) return;
  throw new KezError("unavailable", "Cannot read chain: its stored rows changed during the read", {
    cause: new Error(problem),
  });
}

/**
 * A stream of the JSONL of a chain's events after a seq, through a fixed
 * end. Each pull is one bounded query by seq range: nothing stays open
 * between pulls, so a commit of the writer in between is harmless, and rows
 * up to the end never change, so the body is exactly the chain the ETag
 * names. The stream pulls only when its reader asks (a high-water mark of
 * 0), so a reader that stops pins at most the page it was handed. A gap in
 * the seqs, or a last row whose hash is not the end's, errors the stream
 * rather than send a body the ETag does not name.
 *
 * @param read reads a page of rows up to the end
 * @param after the seq to start after; -1 for the whole chain
 * @param end the last row to send, which must exist
 * @param rowBytes the bytes a row is expected to take, to size the first page
 * @param pageBytes about how many bytes one pull reads
 * @returns the stream of JSONL bytes
 *
 * @example
 * ```ts
 * import { chainStream } from "./chain_stream.ts";
 * const rows = [0, 1, 2].map((seq) => ({ seq, envelope_json: `{"s":${seq}}`, envelope_hash: `h${seq}` }));
 * const read = (after: number, limit: number) => rows.filter((r) => r.seq > after).slice(0, limit);
 * const text = await new Response(chainStream(read, 0, { seq: 2, hash: "h2" }, 8, 8)).text();
 * if (text !== '{"s":1}\n{"s":2}\n') throw new Error(text);
 * const wrong = new Response(chainStream(read, -1, { seq: 2, hash: "other" }, 8)).text();
 * if (!(await wrong.then(() => false, () => true))) throw new Error("a changed head errors");
 * ```
 */
export function chainStream(
  read: PageRead,
  after: number,
  end: StreamEnd,
  rowBytes: number,
  pageBytes: number = PAGE_BYTES,
): ReadableStream<Uint8Array<ArrayBuffer>> {
  let next = after;
  const rowsFor = (bytes: number) =>
    Math.max(1, Math.min(PAGE_ROWS, Math.floor(pageBytes / Math.max(1, bytes))));
  let limit = rowsFor(rowBytes);
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    pull(controller) {
      const rows = read(next, limit);
      checkPage(rows, next, end);
      const last = rows.at(-1)!;
      const bytes = encodeLines(rows.map((row) => row.envelope_json));
      next = last.seq;
      // Sized by the rows just read: a chain's events are of similar sizes.
      limit = rowsFor(bytes.byteLength / rows.length);
      controller.enqueue(bytes);
      if (next === end.seq) controller.close();
    },
  }, { highWaterMark: 0 });
}
