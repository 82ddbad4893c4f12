/**
 * Test support: a client that extends one chain, one event at a time, and
 * remembers exactly which events the server acknowledged, so that a test can
 * check after a crash or a fault that nothing acknowledged was lost and
 * nothing unsent appeared.
 *
 * @module
 */

import { type ChainEvent, type Sigchain, toChainEvent } from "../../lib/protocol/mod.ts";
import { ChainAuthor } from "./chain_author.ts";

/** What became of one POST. */
export type PostOutcome =
  | { readonly kind: "created"; readonly seq: number; readonly hash: string }
  | { readonly kind: "refused"; readonly status: number; readonly code: string }
  | { readonly kind: "lost"; readonly error: string };

/**
 * Posts one body to a chain's `/events` and classifies the answer. A request
 * that gets no answer (refused connection, reset, timeout) is `lost`: the
 * event may or may not have been stored.
 *
 * @param base `http://127.0.0.1:PORT`
 * @param path the chain's `scheme/id`
 * @param body the request body
 * @param timeoutMs the longest the request may take
 * @returns the outcome
 *
 * @example
 * ```ts ignore
 * const outcome = await postEvent(base, author.path, JSON.stringify(envelope));
 * if (outcome.kind === "created") console.log(outcome.hash);
 * ```
 */
export async function postEvent(
  base: string,
  path: string,
  body: BodyInit,
  timeoutMs = 15_000,
): Promise<PostOutcome> {
  let res: Response;
  let text: string;
  try {
    res = await fetch(`${base}/v1/sigchains/${path}/events`, {
      method: "POST",
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await res.text();
  } catch (e) {
    return { kind: "lost", error: String(e) };
  }
  if (res.status === 201) {
    const { seq, hash } = JSON.parse(text) as { seq: number; hash: string };
    return { kind: "created", seq, hash };
  }
  let code = "";
  try {
    code = (JSON.parse(text) as { error: { code: string } }).error.code;
  } catch {
    code = `(not a JSON error: ${text.slice(0, 80)})`;
  }
  return { kind: "refused", status: res.status, code };
}

/**
 * One author extending one chain with `add`s of fresh subjects, keeping the
 * events the server answered `201` to, in order.
 *
 * @example
 * ```ts ignore
 * const writer = new ChainWriter();
 * await writer.appendNext(server.base);
 * writer.adopt(await fetchChain(server.base, writer.primary));
 * ```
 */
export class ChainWriter {
  /** The author, whose key signs every event. */
  readonly author: ChainAuthor;
  /** The events the server answered `201` to, in seq order (after {@linkcode adopt}: the stored chain). */
  acknowledged: ChainEvent[] = [];
  /** The last event sent that got no answer, if the chain has not moved on since. */
  #unanswered: ChainEvent | undefined;
  #subjects = 0;

  /**
   * @param author who signs; a fresh Ed25519 key by default
   */
  constructor(author: ChainAuthor = new ChainAuthor()) {
    this.author = author;
  }

  /** The chain's primary, `scheme:id`. */
  get primary(): string {
    return this.author.primary;
  }

  /** The chain's URL path segments, `scheme/id`. */
  get path(): string {
    return this.author.path;
  }

  /**
   * Signs the event that extends the acknowledged chain: an `add` of a subject
   * this writer never used.
   *
   * @returns the event
   */
  nextEvent(): ChainEvent {
    const seq = this.acknowledged.length;
    const prev = this.acknowledged.at(-1)?.hash;
    this.#subjects++;
    return toChainEvent(this.author.sign({
      seq,
      ...(prev === undefined ? {} : { prev }),
      created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq % 86_400)).toISOString(),
      op: "add",
      subject: `test:${this.#subjects}-${seq}`,
    }));
  }

  /**
   * Signs and posts the next event. A `201` extends the acknowledged chain; a
   * lost request is remembered for {@linkcode adopt}.
   *
   * @param base `http://127.0.0.1:PORT`
   * @param timeoutMs the longest the request may take
   * @returns the outcome
   * @throws {Error} when a `201` names another seq or hash than the event sent
   */
  appendNext(base: string, timeoutMs?: number): Promise<PostOutcome> {
    return this.post(base, this.nextEvent(), timeoutMs);
  }

  /**
   * Posts an event from {@linkcode nextEvent}, signed beforehand (so that a
   * caller can time the request alone), with the bookkeeping of
   * {@linkcode appendNext}.
   *
   * @param base `http://127.0.0.1:PORT`
   * @param event the event
   * @param timeoutMs the longest the request may take
   * @returns the outcome
   * @throws {Error} when a `201` names another seq or hash than the event sent
   */
  async post(base: string, event: ChainEvent, timeoutMs?: number): Promise<PostOutcome> {
    const outcome = await postEvent(base, this.path, event.line, timeoutMs);
    if (outcome.kind === "created") {
      const { seq } = event.envelope.payload;
      if (outcome.seq !== seq || outcome.hash !== event.hash) {
        throw new Error(`201 for ${outcome.seq} ${outcome.hash}, sent ${seq} ${event.hash}`);
      }
      this.acknowledged.push(event);
      this.#unanswered = undefined;
    } else if (outcome.kind === "lost") {
      this.#unanswered = event;
    }
    return outcome;
  }

  /**
   * Takes the stored chain as the truth after a restart or a fault, after
   * checking it against what the server promised: every acknowledged event is
   * there with the same hash, and at most one more event follows, the one
   * whose answer was lost.
   *
   * @param stored the stored chain, verified; null when the server has none
   * @throws {Error} naming the first acknowledged event that is missing or changed,
   *   or an event this writer never sent
   */
  adopt(stored: Sigchain | null): void {
    const events = stored?.events ?? [];
    for (const [seq, event] of this.acknowledged.entries()) {
      const got = events[seq];
      if (got?.hash !== event.hash) {
        throw new Error(
          `${this.primary}: acknowledged seq ${seq} ${event.hash} is ${
            got === undefined ? "missing" : `now ${got.hash}`
          }`,
        );
      }
    }
    const extra = events.slice(this.acknowledged.length);
    if (extra.length > 1 || (extra.length === 1 && extra[0]!.hash !== this.#unanswered?.hash)) {
      throw new Error(
        `${this.primary}: ${extra.length} stored event(s) after the acknowledged ${this.acknowledged.length}, not the one unanswered`,
      );
    }
    this.acknowledged = [...events];
    this.#unanswered = undefined;
  }
}
