/**
 * A chain's JSONL bytes held in memory, for the chains light enough to keep
 * them (see `JSONL_CACHE_MAX` in `chain_state.ts`).
 *
 * @module
 */

const encoder = new TextEncoder();

/**
 * The JSONL of a chain's events from seq 0. The bytes grow in place with
 * spare capacity, so an append copies only the new line, and slices handed
 * out earlier stay valid: they cover bytes that never change.
 *
 * @example
 * ```ts
 * import { ChainJsonl } from "./chain_jsonl.ts";
 * const jsonl = new ChainJsonl();
 * jsonl.push("{}");
 * const line = jsonl.push('{"a":"é"}');
 * if (new TextDecoder().decode(jsonl.after(0)) !== '{"a":"é"}\n') throw new Error("after 0");
 * if (line.byteLength !== 10 || jsonl.byteLength !== 14 || jsonl.length !== 2) throw new Error("sizes");
 * ```
 */
export class ChainJsonl {
  #bytes = new Uint8Array(0);
  #size = 0;
  /** The end offset of each line in #bytes, its newline included. */
  #ends: number[] = [];

  /** How many lines. */
  get length(): number {
    return this.#ends.length;
  }

  /** How many bytes the lines take, newlines included. */
  get byteLength(): number {
    return this.#size;
  }

  /**
   * Roughly the memory held, for the cache's budget: the buffer, spare
   * capacity included, and the offsets array.
   */
  get weight(): number {
    return this.#bytes.byteLength + 16 * this.#ends.length;
  }

  /**
   * Appends one line, encoded straight into the buffer.
   *
   * @param line the canonical line, without its newline
   * @returns its UTF-8 bytes in the buffer, without the newline: valid for good
   */
  push(line: string): Uint8Array<ArrayBuffer> {
    const start = this.#size;
    // A canonical line is nearly always ASCII, a byte a character: that room is tried first.
    this.#reserve(line.length + 1);
    let done = encoder.encodeInto(line, this.#bytes.subarray(start, this.#bytes.length - 1));
    if (done.read !== line.length) {
      this.#reserve(3 * line.length + 1);
      done = encoder.encodeInto(line, this.#bytes.subarray(start, this.#bytes.length - 1));
    }
    const end = start + done.written;
    this.#bytes[end] = 0x0a;
    this.#size = end + 1;
    this.#ends.push(this.#size);
    return this.#bytes.subarray(start, end);
  }

  /** Grows the buffer, at least doubling it, to hold this many more bytes. */
  #reserve(more: number): void {
    if (this.#size + more <= this.#bytes.length) return;
    const grown = new Uint8Array(Math.max(2 * this.#bytes.length, this.#size + more));
    grown.set(this.#bytes.subarray(0, this.#size));
    this.#bytes = grown;
  }

  /**
   * The lines after a seq.
   *
   * @param after a seq; -1 for every line
   * @returns the bytes, each line with its newline; empty past the last line
   */
  after(after: number): Uint8Array<ArrayBuffer> {
    const start = after < 0 ? 0 : after >= this.length ? this.#size : this.#ends[after]!;
    return this.#bytes.subarray(start, this.#size);
  }
}

/**
 * Encodes canonical lines as JSONL.
 *
 * @param lines the lines, without newlines
 * @returns their UTF-8 bytes, each line followed by a newline
 *
 * @example
 * ```ts
 * import { encodeLines } from "./chain_jsonl.ts";
 * if (encodeLines(["{}", "[]"]).byteLength !== 6) throw new Error("two lines, two newlines");
 * ```
 */
export function encodeLines(lines: readonly string[]): Uint8Array<ArrayBuffer> {
  return encoder.encode(lines.length === 0 ? "" : lines.join("\n") + "\n");
}
