/**
 * Incremental fetch (spec §6.2): asking a server only for the events after a
 * verified chain, and extending the chain with them.
 *
 * @module
 */

import { KezError, parseEnvelope, parseJsonText, Sigchain, toChainEvent } from "../protocol/mod.ts";
import type { KezClient } from "./client.ts";

/**
 * Extends a verified chain with served JSONL lines. Lines at seqs the chain
 * already holds must be the same events; later ones are verified and
 * appended. A server that ignored `after` and served its whole chain is
 * handled the same way.
 *
 * @param since the verified chain; it is not changed
 * @param text the served JSONL: at least the event at `since`'s head seq, then newer ones
 * @returns a new chain, or null when the lines do not show that the server
 *   holds `since`'s head: no lines, a different event at a held seq, or a new
 *   event that does not link to the head
 * @throws {KezError} the code of the first invalid line, its message naming the line
 *
 * @example
 * ```ts
 * import { extendChain } from "./incremental.ts";
 * import { generateSecret, Sigchain, signEvent } from "../protocol/mod.ts";
 * const key = { alg: "ed25519-sha512-jcs", secret: generateSecret("ed25519-sha512-jcs") } as const;
 * const first = signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:a" }, key);
 * const since = new Sigchain(first.payload.primary);
 * const head = since.append(first);
 * const next = signEvent({ seq: 1, prev: head.hash, created_at: "2026-01-02T00:00:00Z", op: "revoke", subject: "github:a" }, key);
 * const server = new Sigchain(since.primary);
 * server.append(first);
 * server.append(next);
 * const chain = extendChain(since, server.toJsonl());
 * if (chain?.length !== 2 || since.length !== 1) throw new Error("unexpected");
 * if (extendChain(since, "") !== null) throw new Error("no lines prove nothing");
 * ```
 */
export function extendChain(since: Sigchain, text: string): Sigchain | null {
  const lines = text === "" ? [] : text.replace(/\n$/, "").split("\n");
  if (lines.length === 0) return null;
  const chain = new Sigchain(since.primary);
  for (const event of since.events) chain.append(event.envelope);
  for (const [i, line] of lines.entries()) {
    try {
      const envelope = parseEnvelope(parseJsonText(line));
      const { seq } = envelope.payload;
      if (seq >= chain.length) chain.append(envelope);
      else if (chain.events[seq]!.hash !== toChainEvent(envelope).hash) return null;
    } catch (e) {
      if (!(e instanceof KezError)) throw e;
      if (e.code === "conflict") return null;
      throw new KezError(e.code, `line ${i + 1}: ${e.message}`, { cause: e });
    }
  }
  return chain;
}

/**
 * Asks a server only for what is newer than a verified chain (spec §6.2):
 * `?after=` and, when `conditional`, `If-None-Match` with the head's hash.
 *
 * @param client the server
 * @param since a verified, non-empty chain
 * @param conditional whether to send `If-None-Match`
 * @returns the server's chain: `since` itself when unchanged, empty when the
 *   server holds none; null when only a plain GET can tell (the server does
 *   not take `after`, or no longer holds `since`'s head)
 * @throws {KezError} why a served event is invalid, or the server's code
 *
 * @example
 * ```ts
 * import { getNewer } from "./incremental.ts";
 * import { generateSecret, Sigchain, signEvent } from "../protocol/mod.ts";
 * const key = { alg: "ed25519-sha512-jcs", secret: generateSecret("ed25519-sha512-jcs") } as const;
 * const first = signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:a" }, key);
 * const since = new Sigchain(first.payload.primary);
 * since.append(first);
 * const unchanged = { getJsonl: () => Promise.resolve({ status: 304, text: "" } as const) };
 * if ((await getNewer(unchanged, since, true)) !== since) throw new Error("304 keeps the chain");
 * ```
 */
export async function getNewer(
  client: Pick<KezClient, "getJsonl">,
  since: Sigchain,
  conditional: boolean,
): Promise<Sigchain | null> {
  // One event of overlap: the answer itself then shows whether the server still
  // holds our head, even where the ETag header is unreadable (CORS hides it).
  const after = since.length - 2;
  let answer;
  try {
    answer = await client.getJsonl(since.primary, {
      ...(after < 0 ? {} : { after }),
      ...(conditional ? { ifNoneMatch: `"${since.head}"` } : {}),
    });
  } catch (e) {
    // A server from before §6.2 refuses the query; a plain GET still works.
    if (e instanceof KezError && e.code === "invalid_query") return null;
    throw e;
  }
  if (answer.status === 304) return since;
  if (answer.status === 404) return new Sigchain(since.primary);
  return extendChain(since, answer.text);
}
