/**
 * Where log lines go: standard error, written in batches so that a busy
 * server does not make one write call per line, each line encoded straight
 * into the batch's buffer.
 *
 * @module
 */

/** A line taken in pieces, each copied into the sink's buffer as it comes. */
export interface LinePieces {
  /**
   * Appends bytes to the line.
   *
   * @param bytes UTF-8, without a newline
   * @returns the same pieces, for the next
   */
  bytes(bytes: Uint8Array): LinePieces;
  /**
   * Appends text to the line, as UTF-8.
   *
   * @param text without a newline
   * @returns the same pieces, for the next
   */
  text(text: string): LinePieces;
  /** Ends the line. */
  end(): void;
}

/** Takes finished log lines. */
export interface LogSink {
  /**
   * Takes one line, without its newline.
   *
   * @param line the line
   */
  write(line: string): void;
  /**
   * Resolves once every line taken so far is written.
   *
   * @returns when written
   */
  flush(): Promise<void>;
  /**
   * Takes a line in pieces, where the sink can: a line built as one string is
   * a tree of its pieces that encoding it must walk and copy first, which
   * cost a request line more than building it.
   */
  readonly pieces?: LinePieces;
}

/** The room a batch starts with; it grows for a burst, and shrinks back after it. */
const BATCH_BYTES = 65_536;

/**
 * A sink on a writable stream of bytes. While one write is in flight, lines
 * gather in a buffer; the next write takes them all at once.
 *
 * @param out where bytes go; standard error by default
 * @returns the sink
 *
 * @example
 * ```ts
 * import { streamSink } from "./sink.ts";
 * const chunks: string[] = [];
 * const sink = streamSink({ write: (b) => (chunks.push(new TextDecoder().decode(b)), Promise.resolve(b.length)) });
 * sink.write("one");
 * sink.pieces!.text("tw").bytes(new Uint8Array([0x6f])).end();
 * sink.write("é");
 * await sink.flush();
 * if (chunks.join("") !== "one\ntwo\né\n") throw new Error(JSON.stringify(chunks));
 * ```
 */
export function streamSink(
  out: { write(bytes: Uint8Array): Promise<number> } = Deno.stderr,
): LogSink {
  const encoder = new TextEncoder();
  let buffer = new Uint8Array(BATCH_BYTES);
  /** The other buffer, while it is not being written: lines alternate between the two. */
  let spare: Uint8Array<ArrayBuffer> | null = new Uint8Array(BATCH_BYTES);
  let used = 0;
  let writing: Promise<void> | null = null;

  async function drain(): Promise<void> {
    while (used > 0) {
      const written = buffer;
      const bytes = written.subarray(0, used);
      buffer = spare ?? new Uint8Array(BATCH_BYTES);
      spare = null;
      used = 0;
      try {
        let offset = 0;
        while (offset < bytes.length) offset += await out.write(bytes.subarray(offset));
      } catch {
        // Standard error is gone (a pipe whose reader exited): the lines are
        // lost, and there is nowhere to say so, but the server goes on serving.
      }
      // A buffer grown for a burst is let go.
      if (written.length === BATCH_BYTES) spare = written;
    }
    writing = null;
  }

  function room(bytes: number): void {
    if (buffer.length - used >= bytes) return;
    const grown = new Uint8Array(Math.max(buffer.length * 2, used + bytes));
    grown.set(buffer.subarray(0, used));
    buffer = grown;
  }

  const pieces: LinePieces = {
    bytes(bytes) {
      room(bytes.length);
      buffer.set(bytes, used);
      used += bytes.length;
      return pieces;
    },
    text(text) {
      // At most 3 bytes per UTF-16 unit; ASCII (nearly every log line) is copied as is.
      room(text.length * 3);
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c >= 0x80) {
          used += encoder.encodeInto(text.slice(i), buffer.subarray(used)).written;
          return pieces;
        }
        buffer[used++] = c;
      }
      return pieces;
    },
    end() {
      room(1);
      buffer[used++] = 0x0a;
      writing ??= drain();
    },
  };

  return {
    write(line) {
      pieces.text(line).end();
    },
    flush() {
      return writing ?? Promise.resolve();
    },
    pieces,
  };
}
