/**
 * Who a command acts for: the secret from `--nsec` or `KEZ_SECRET`, or, for
 * commands that only read, a `--primary`.
 *
 * @module
 */

import type { SigningKey } from "../protocol/mod.ts";
import { decodeSecret, primaryOfKey } from "../client/mod.ts";
import { parsePrimary } from "../protocol/mod.ts";
import { UsageError } from "./errors.ts";

/** The flags that name an identity. */
export interface KeyFlags {
  /** The secret, `nsec1…` or `ed25519-seed:<hex>`. */
  readonly nsec?: string | undefined;
  /** The primary, for commands that only read. */
  readonly primary?: string | undefined;
}

/**
 * The signing key from `--nsec`, else from `KEZ_SECRET`.
 *
 * @param flags the parsed flags
 * @param env reads an environment variable
 * @param command the command, for the usage hint
 * @returns the key
 * @throws {UsageError} when no secret is given or it is malformed
 *
 * @example
 * ```ts
 * import { secretFrom } from "./key_args.ts";
 * const key = secretFrom({}, (n) => n === "KEZ_SECRET" ? "ed25519-seed:" + "9d".repeat(32) : undefined, "sigchain add");
 * if (key.alg !== "ed25519-sha512-jcs") throw new Error("unexpected");
 * ```
 */
export function secretFrom(
  flags: KeyFlags,
  env: (name: string) => string | undefined,
  command: string,
): SigningKey {
  const text = flags.nsec ?? env("KEZ_SECRET");
  if (text === undefined || text === "") {
    throw new UsageError("Missing secret: give --nsec or set KEZ_SECRET", command);
  }
  try {
    return decodeSecret(text);
  } catch (e) {
    throw new UsageError((e as Error).message, command);
  }
}

/**
 * The primary from `--primary`, else the one of the secret.
 *
 * @param flags the parsed flags
 * @param env reads an environment variable
 * @param command the command, for the usage hint
 * @returns the canonical primary
 * @throws {UsageError} when neither is given, or the secret is malformed
 * @throws {KezError} `invalid_primary` for a bad `--primary`
 *
 * @example
 * ```ts
 * import { primaryFrom } from "./key_args.ts";
 * const hex = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
 * if (primaryFrom({ primary: `ed25519:${hex}` }, () => undefined, "sigchain show") !== `ed25519:${hex}`) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function primaryFrom(
  flags: KeyFlags,
  env: (name: string) => string | undefined,
  command: string,
): string {
  if (flags.primary !== undefined) return parsePrimary(flags.primary).text;
  if (flags.nsec === undefined && !env("KEZ_SECRET")) {
    throw new UsageError("Missing identity: give --primary, --nsec or set KEZ_SECRET", command);
  }
  return primaryOfKey(secretFrom(flags, env, command));
}
