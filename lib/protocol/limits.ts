/**
 * The numeric limits of the spec, each where the spec sets it: what a
 * request, an event and a log page may hold.
 *
 * @example
 * ```ts
 * import { MAX_BODY_BYTES, MAX_SUBJECT_BYTES } from "./limits.ts";
 * if (MAX_BODY_BYTES !== 65_536 || MAX_SUBJECT_BYTES !== 512) throw new Error("spec limits");
 * ```
 *
 * @module
 */

/** §5 check 2: the most bytes a POST body may have; more is `413 payload_too_large`. */
export const MAX_BODY_BYTES = 65_536;

/** §1.2: the most bytes of UTF-8 in a whole subject. */
export const MAX_SUBJECT_BYTES = 512;

/** §1.2: the most characters of a subject's scheme (`[a-z][a-z0-9+.-]{0,31}`). */
export const MAX_SUBJECT_SCHEME_CHARS = 32;

/** §3: the largest seq, 2^53 − 1, the largest integer a double holds exactly. */
export const MAX_SEQ: number = Number.MAX_SAFE_INTEGER;

/** §10.3: the most lines one `GET /v1/log/entries` answers, and its default `limit`. */
export const MAX_ENTRIES_PAGE = 1000;

/**
 * §10.3: the most bytes of one log leaf, since an entry bundle writes each
 * leaf's length as a big-endian uint16 (c2sp.org/tlog-tiles).
 */
export const MAX_LEAF_BYTES = 0xffff;

/**
 * The server's body timeout of §6.1 by default, in milliseconds (`--body-timeout`
 * sets it): 64 KiB in 10 s is 6.5 KB/s, far below any real link, and an event
 * is usually under 2 KB; a client slower than that is stalled or hostile.
 */
export const BODY_TIMEOUT_MS = 10_000;
