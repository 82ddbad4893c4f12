/**
 * Writing a file so that it is never seen half-written: a temporary file in
 * the same directory, flushed to disk, then renamed over the target.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";

const encoder = new TextEncoder();

/**
 * Replaces a file's content atomically: readers see the old content or the
 * new, never a mix, even after a crash. The directory must exist.
 *
 * @param path the file to write
 * @param text its new content
 * @throws {Deno.errors.NotFound} when the directory does not exist, and other
 *   file-system errors; the temporary file is removed then
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from "./atomic_write.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/a.jsonl`, "{}\n");
 * if ((await Deno.readTextFile(`${dir}/a.jsonl`)) !== "{}\n") throw new Error("unexpected");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${crypto.randomUUID()}.tmp`);
  try {
    const file = await Deno.open(temp, { write: true, createNew: true });
    try {
      const bytes = encoder.encode(text);
      for (let n = 0; n < bytes.length;) n += await file.write(bytes.subarray(n));
      await file.sync();
    } finally {
      file.close();
    }
    await Deno.rename(temp, path);
  } catch (e) {
    await Deno.remove(temp).catch(() => {});
    throw e;
  }
  await syncDir(dir);
}

/** Makes the rename itself durable; Windows cannot open a directory, and needs no such step. */
async function syncDir(dir: string): Promise<void> {
  if (Deno.build.os === "windows") return;
  const handle = await Deno.open(dir, { read: true });
  try {
    await handle.sync();
  } finally {
    handle.close();
  }
}
