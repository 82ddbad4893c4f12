/**
 * Where log lines go: standard error, written in batches so that a busy
 * server does not make one write call per line.
 *
 * @module
 */

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
}

/**
 * A sink on a writable stream of bytes. While one write is in flight, lines
 * gather; the next write takes them all at once.
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
 * sink.write("two");
 * await sink.flush();
 * if (chunks.join("") !== "one\ntwo\n") throw new Error(JSON.stringify(chunks));
 * ```
 */
export function streamSink(
  out: { write(bytes: Uint8Array): Promise<number> } = Deno.stderr,
): LogSink {
  const encoder = new TextEncoder();
  let gathered: string[] = [];
  let writing: Promise<void> | null = null;

  async function drain(): Promise<void> {
    while (gathered.length > 0) {
      const bytes = encoder.encode(gathered.join("\n") + "\n");
      gathered = [];
      let offset = 0;
      while (offset < bytes.length) offset += await out.write(bytes.subarray(offset));
    }
    writing = null;
  }

  return {
    write(line) {
      gathered.push(line);
      writing ??= drain();
    },
    flush() {
      return writing ?? Promise.resolve();
    },
  };
}
