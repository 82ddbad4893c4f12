/**
 * What the CLI reads and writes besides files and the network, injectable so
 * that tests can run commands in process.
 *
 * @module
 */

/** The process's environment and standard streams. */
export interface Io {
  /**
   * Reads an environment variable.
   *
   * @param name the variable
   * @returns its value, or undefined when unset
   */
  env(name: string): string | undefined;
  /**
   * Writes one line to standard output.
   *
   * @param line the line, without its newline
   */
  out(line: string): void;
  /**
   * Writes one line to standard error.
   *
   * @param line the line, without its newline
   */
  err(line: string): void;
  /**
   * Reads all of standard input.
   *
   * @returns the bytes
   */
  stdin(): Promise<Uint8Array>;
}

/**
 * The real process: `Deno.env`, the console, `Deno.stdin`.
 *
 * @returns the process's I/O
 *
 * @example
 * ```ts
 * import { denoIo } from "./io.ts";
 * if (denoIo().env("KEZ_NO_SUCH_VARIABLE") !== undefined) throw new Error("unset");
 * ```
 */
export function denoIo(): Io {
  return {
    env: (name) => Deno.env.get(name),
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    stdin: () => new Response(Deno.stdin.readable).bytes(),
  };
}
