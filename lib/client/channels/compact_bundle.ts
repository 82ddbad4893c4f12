/**
 * The compact bundle: a whole chain in one line, `kez:zc1:` and the unpadded
 * base64url (RFC 4648 §5) of its JSONL compressed with raw DEFLATE (RFC 1951).
 * It fits where a file does not: a nostr event's content, a DNS TXT record.
 *
 * @module
 */

import { base64urlnopad } from "@scure/base";
import { KezError } from "../../protocol/mod.ts";
import { decodeUtf8 } from "../text.ts";
import { readAtMost } from "./bounded_read.ts";

/** What every compact bundle starts with. */
export const COMPACT_PREFIX = "kez:zc1:";

/**
 * The most bytes a compact bundle may inflate to. A few hundred bytes of
 * DEFLATE can inflate to gigabytes, so a reader stops here.
 */
export const MAX_INFLATED_BYTES = 1024 * 1024;

function pipe(
  bytes: Uint8Array,
  stream: TransformStream<BufferSource, Uint8Array>,
): ReadableStream<Uint8Array> {
  return new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream);
}

/**
 * Packs a chain's JSONL into a compact bundle.
 *
 * @param jsonl the chain's JSONL, byte for byte what a server serves
 * @returns `kez:zc1:` followed by base64url, without padding
 *
 * @example
 * ```ts
 * import { decodeCompactBundle, encodeCompactBundle } from "./compact_bundle.ts";
 * const bundle = await encodeCompactBundle('{"a":1}\n');
 * if (!bundle.startsWith("kez:zc1:") || bundle.includes("=")) throw new Error(bundle);
 * if ((await decodeCompactBundle(bundle, "x")) !== '{"a":1}\n') throw new Error("round trip");
 * ```
 */
export async function encodeCompactBundle(jsonl: string): Promise<string> {
  const stream = pipe(new TextEncoder().encode(jsonl), new CompressionStream("deflate-raw"));
  return COMPACT_PREFIX + base64urlnopad.encode(new Uint8Array(await new Response(stream).bytes()));
}

/**
 * Unpacks a compact bundle, inflating as it reads and stopping as soon as
 * the output passes {@linkcode MAX_INFLATED_BYTES}.
 *
 * @param text the bundle, with or without a final newline
 * @param source where it came from, for messages
 * @returns the chain's JSONL, decoded as strict UTF-8
 * @throws {KezError} `invalid_json` for a bad prefix, bad base64url, bad DEFLATE or bad
 *   UTF-8; `payload_too_large` when it inflates past the limit
 *
 * @example
 * ```ts
 * import { decodeCompactBundle } from "./compact_bundle.ts";
 * import { KezError } from "../../protocol/mod.ts";
 * const e = await decodeCompactBundle("kez:zc1:!!", "x").catch((e) => e);
 * if (!(e instanceof KezError) || e.code !== "invalid_json") throw new Error("refused");
 * ```
 */
export async function decodeCompactBundle(text: string, source: string): Promise<string> {
  const body = text.replace(/\r?\n$/, "");
  if (!body.startsWith(COMPACT_PREFIX)) {
    throw new KezError("invalid_json", `Cannot read ${source}: not a ${COMPACT_PREFIX} bundle`);
  }
  let packed: Uint8Array;
  try {
    packed = base64urlnopad.decode(body.slice(COMPACT_PREFIX.length));
  } catch (cause) {
    throw new KezError("invalid_json", `Cannot read ${source}: the bundle is not base64url`, {
      cause,
    });
  }
  let bytes: Uint8Array | null;
  try {
    bytes = await readAtMost(
      pipe(packed, new DecompressionStream("deflate-raw")),
      MAX_INFLATED_BYTES,
    );
  } catch (cause) {
    throw new KezError("invalid_json", `Cannot read ${source}: the bundle is not raw DEFLATE`, {
      cause,
    });
  }
  if (bytes === null) {
    throw new KezError(
      "payload_too_large",
      `Cannot read ${source}: the bundle inflates to more than ${MAX_INFLATED_BYTES} bytes`,
    );
  }
  return decodeUtf8(bytes, source);
}

/**
 * A chain copy in either form: a compact bundle is unpacked, JSONL is kept.
 *
 * @param text what the source held
 * @param source where it came from, for messages
 * @returns the chain's JSONL
 * @throws {KezError} as {@linkcode decodeCompactBundle} does, for a bundle
 *
 * @example
 * ```ts
 * import { chainJsonl, encodeCompactBundle } from "./compact_bundle.ts";
 * const jsonl = '{"a":1}\n';
 * if ((await chainJsonl(jsonl, "x")) !== jsonl) throw new Error("JSONL is kept");
 * if ((await chainJsonl(await encodeCompactBundle(jsonl), "x")) !== jsonl) throw new Error("unpacked");
 * ```
 */
export function chainJsonl(text: string, source: string): Promise<string> {
  return text.startsWith(COMPACT_PREFIX)
    ? decodeCompactBundle(text, source)
    : Promise.resolve(text);
}
