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
 * jsonl.push(new TextEncoder().encode("{}\n"));
 * jsonl.push(new TextEncoder().encode('{"a":1}\n'));
 * if (new TextDecoder().decode(jsonl.after(0)) !== '{"a":1}\n') throw new Error("after 0");
 * if (jsonl.byteLength !== 11 || jsonl.length !== 2) throw new Error("sizes");
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
   * Appends one line.
   *
   * @param line the canonical line's UTF-8 bytes, its newline included
   */
  push(line: Uint8Array): void {
    if (this.#size + line.length > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(2 * this.#bytes.length, this.#size + line.length));
      grown.set(this.#bytes.subarray(0, this.#size));
      this.#bytes = grown;
    }
    this.#bytes.set(line, this.#size);
    this.#size += line.length;
    this.#ends.push(this.#size);
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
