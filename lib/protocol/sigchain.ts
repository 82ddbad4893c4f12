/**
 * A sigchain: the append rules of spec §5 (checks 5–9), the active-subject
 * state, and whole-chain verification (§8).
 *
 * @module
 */

import { type Envelope, parseEnvelope } from "./envelope.ts";
import { KezError } from "./error.ts";
import {
  type ChainEvent,
  type SignatureVerify,
  toChainEvent,
  verifyEventSignature,
  verifySignatureInput,
} from "./event.ts";
import { parsePrimary } from "./identifier.ts";
import { type JsonValue, parseJsonText } from "./json.ts";

/** What the append checks need to know of the chain being extended. */
export interface ChainTip {
  /** How many events the chain holds: the seq the next event must have. */
  readonly length: number;
  /** The hash of the last event, or null for an empty chain. */
  readonly head: string | null;
  /**
   * Tells whether a subject is active (added and not revoked since).
   *
   * @param subject the exact subject string
   * @returns true when active
   */
  isActive(subject: string): boolean;
}

/**
 * Check 5 of §5: the event is for the chain's primary.
 *
 * @param envelope a structurally valid envelope
 * @param primary the chain's primary, canonical `scheme:id`
 * @throws {KezError} `wrong_primary`
 *
 * @example
 * ```ts
 * import { checkPrimary, signEvent } from "./mod.ts";
 * import { generateSecret } from "./signature.ts";
 * const env = signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:a" }, {
 *   alg: "ed25519-sha512-jcs",
 *   secret: generateSecret("ed25519-sha512-jcs"),
 * });
 * checkPrimary(env, env.payload.primary);
 * ```
 */
export function checkPrimary(envelope: Envelope, primary: string): void {
  if (envelope.payload.primary !== primary) {
    throw new KezError(
      "wrong_primary",
      `Cannot append event: it is for ${envelope.payload.primary}, not ${primary}`,
    );
  }
}

/**
 * Checks 6 and 7 of §5: the event's seq is the chain's length, and its prev
 * is the hash of the chain's last event.
 *
 * @param tip the chain as it stands
 * @param envelope a structurally valid envelope for the chain's primary
 * @throws {KezError} `conflict`
 *
 * @example
 * ```ts
 * import { checkLink, KezError, signEvent } from "./mod.ts";
 * import { generateSecret } from "./signature.ts";
 * const env = signEvent({ seq: 1, prev: "sha256:" + "0".repeat(64), created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:a" }, {
 *   alg: "ed25519-sha512-jcs",
 *   secret: generateSecret("ed25519-sha512-jcs"),
 * });
 * try {
 *   checkLink({ length: 0, head: null, isActive: () => false }, env);
 *   throw new Error("accepted");
 * } catch (e) {
 *   if (!(e instanceof KezError) || e.code !== "conflict") throw e;
 * }
 * ```
 */
export function checkLink(tip: ChainTip, envelope: Envelope): void {
  const { seq, prev } = envelope.payload;
  if (seq !== tip.length) {
    throw new KezError("conflict", `Cannot append event: expected seq ${tip.length}, got ${seq}`);
  }
  if (seq > 0 && prev !== tip.head) {
    throw new KezError(
      "conflict",
      `Cannot append event: prev ${prev} is not the hash of seq ${seq - 1}, ${tip.head}`,
    );
  }
}

/**
 * Check 9 of §5: `add` names a subject that is not active, `revoke` one that is.
 *
 * @param tip the chain as it stands
 * @param envelope a structurally valid envelope for the chain's primary
 * @throws {KezError} `invalid_op`
 *
 * @example
 * ```ts
 * import { checkOp, KezError, signEvent } from "./mod.ts";
 * import { generateSecret } from "./signature.ts";
 * const env = signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "revoke", subject: "github:a" }, {
 *   alg: "ed25519-sha512-jcs",
 *   secret: generateSecret("ed25519-sha512-jcs"),
 * });
 * try {
 *   checkOp({ length: 0, head: null, isActive: () => false }, env);
 *   throw new Error("accepted");
 * } catch (e) {
 *   if (!(e instanceof KezError) || e.code !== "invalid_op") throw e;
 * }
 * ```
 */
export function checkOp(tip: ChainTip, envelope: Envelope): void {
  const { op, payload } = envelope.payload;
  const active = tip.isActive(payload.subject);
  if (op === "add" && active) {
    throw new KezError("invalid_op", `Cannot add ${payload.subject}: it is already active`);
  }
  if (op === "revoke" && !active) {
    throw new KezError("invalid_op", `Cannot revoke ${payload.subject}: it is not active`);
  }
}

/**
 * Checks 6–9 of §5, in order: seq, prev, signature, op. Pure: the caller
 * appends only when this returns.
 *
 * @param tip the chain as it stands
 * @param envelope a structurally valid envelope for the chain's primary
 * @param verify checks the signature itself; noble's, in place, by default
 * @throws {KezError} `conflict`, `invalid_signature` or `invalid_op`, from the first failing check
 *
 * @example
 * ```ts
 * import { checkExtends, KezError, signEvent } from "./mod.ts";
 * import { generateSecret } from "./signature.ts";
 * const env = signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:a" }, {
 *   alg: "ed25519-sha512-jcs",
 *   secret: generateSecret("ed25519-sha512-jcs"),
 * });
 * checkExtends({ length: 0, head: null, isActive: () => false }, env);
 * ```
 */
export function checkExtends(
  tip: ChainTip,
  envelope: Envelope,
  verify: SignatureVerify = verifySignatureInput,
): void {
  checkLink(tip, envelope);
  verifyEventSignature(envelope, verify);
  checkOp(tip, envelope);
}

/**
 * One primary's chain held in memory, valid by construction: every event went
 * through the checks of §5.
 *
 * @example
 * ```ts
 * import { Sigchain, signEvent } from "./mod.ts";
 * import { generateSecret } from "./signature.ts";
 * const key = { alg: "ed25519-sha512-jcs", secret: generateSecret("ed25519-sha512-jcs") } as const;
 * const first = signEvent({ seq: 0, created_at: "2026-01-01T00:00:00Z", op: "add", subject: "github:a" }, key);
 * const chain = new Sigchain(first.payload.primary);
 * const ev = chain.append(first);
 * chain.append(signEvent({ seq: 1, prev: ev.hash, created_at: "2026-01-02T00:00:00Z", op: "revoke", subject: "github:a" }, key));
 * if (chain.length !== 2 || chain.isActive("github:a")) throw new Error("unexpected state");
 * ```
 */
export class Sigchain implements ChainTip {
  /** The owner, canonical `scheme:id`. */
  readonly primary: string;
  #events: ChainEvent[] = [];
  #active = new Set<string>();
  #verify: SignatureVerify;

  /**
   * Starts an empty chain.
   *
   * @param primary the owner, canonical `scheme:id`
   * @param verify checks each appended event's signature itself (§4); noble's,
   *   in place, by default, which runs anywhere
   * @throws {KezError} `invalid_primary`
   */
  constructor(primary: string, verify: SignatureVerify = verifySignatureInput) {
    this.primary = parsePrimary(primary).text;
    this.#verify = verify;
  }

  /**
   * Reads a JSONL chain (one envelope per line, as the server serves it) and
   * verifies it whole, as §8 describes.
   *
   * @param text the JSONL text; a final newline is optional
   * @param primary the expected owner; by default the first event's primary
   * @returns the verified chain
   * @throws {KezError} the code of the first failing check, its message naming the line
   */
  static fromJsonl(text: string, primary?: string): Sigchain {
    const lines = text === "" ? [] : text.replace(/\n$/, "").split("\n");
    let chain: Sigchain | undefined = primary === undefined ? undefined : new Sigchain(primary);
    lines.forEach((line, i) => {
      try {
        const envelope = parseEnvelope(parseJsonText(line));
        chain ??= new Sigchain(envelope.payload.primary);
        chain.append(envelope);
      } catch (e) {
        if (!(e instanceof KezError)) throw e;
        throw new KezError(e.code, `line ${i + 1}: ${e.message}`, { cause: e });
      }
    });
    if (chain === undefined) {
      throw new KezError("invalid_event", "Cannot read chain: it is empty and names no primary");
    }
    return chain;
  }

  /** How many events the chain holds. */
  get length(): number {
    return this.#events.length;
  }

  /** The hash of the last event, or null when empty. */
  get head(): string | null {
    return this.#events.at(-1)?.hash ?? null;
  }

  /** The events in seq order. */
  get events(): readonly ChainEvent[] {
    return this.#events;
  }

  /**
   * Tells whether a subject is active.
   *
   * @param subject the exact subject string (no normalization)
   * @returns true after an add of it and before a revoke
   */
  isActive(subject: string): boolean {
    return this.#active.has(subject);
  }

  /**
   * The active subjects, in the order they were last added.
   *
   * @returns the chain's state (§8)
   */
  activeSubjects(): string[] {
    return [...this.#active];
  }

  /**
   * Appends an event after checks 3–9 of §5.
   *
   * @param value the envelope, parsed JSON or already typed
   * @returns the appended event with its line and hash
   * @throws {KezError} the code of the first failing check
   */
  append(value: JsonValue | Envelope): ChainEvent {
    const envelope = parseEnvelope(value as JsonValue);
    checkPrimary(envelope, this.primary);
    checkExtends(this, envelope, this.#verify);
    const event = toChainEvent(envelope);
    this.#events.push(event);
    const { op, payload } = envelope.payload;
    if (op === "add") this.#active.add(payload.subject);
    else this.#active.delete(payload.subject);
    return event;
  }

  /**
   * The chain as JSONL: each event's canonical line and a newline.
   *
   * @returns what the server would serve for this chain
   */
  toJsonl(): string {
    return this.#events.map((e) => e.line + "\n").join("");
  }
}
