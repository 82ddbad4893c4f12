/**
 * `kez identity new`: a fresh signing identity.
 *
 * @module
 */

import { encodeSecret, generateKey, primaryOfKey } from "../../client/mod.ts";
import { type Command, COMMON_FLAGS, parseCommandArgs } from "../command.ts";
import { UsageError } from "../errors.ts";

const NAME = "identity new";

/**
 * Prints a new primary and its secret. Nothing is stored: the secret is
 * shown once, and the caller keeps it.
 *
 * @example
 * ```ts
 * import { identityNew } from "./identity_new.ts";
 * import { denoIo } from "../io.ts";
 * import { LogVerifier, MemoryLogState } from "../../client/mod.ts";
 * const log = new LogVerifier(new MemoryLogState());
 * const report = await identityNew.run(["--alg", "ed25519"], { io: denoIo(), client: { log }, log });
 * if (!report.lines[0]?.startsWith("Primary: ed25519:")) throw new Error("unexpected");
 * ```
 */
export const identityNew: Command = {
  name: NAME,
  summary: "make a new identity: print its primary and secret",
  usage: `Usage: kez identity new [--alg nostr|ed25519] [--json]

Makes a new signing identity and prints it; nothing is stored:

  Primary: nostr:npub1…   (ed25519:<64 hex> for ed25519)
  Secret: nsec1…          (NIP-19; ed25519-seed:<64 hex> for ed25519)

Keep the secret safe; commands that sign read it from --nsec or KEZ_SECRET.

Options:
  --alg <alg>   nostr (default) or ed25519
  --json        print {"primary", "secret"}
  -h, --help    print this help`,
  run(args) {
    const { values } = parseCommandArgs(NAME, {
      args,
      options: { ...COMMON_FLAGS, alg: { type: "string" } },
    }, []);
    const scheme = values.alg ?? "nostr";
    if (scheme !== "nostr" && scheme !== "ed25519") {
      throw new UsageError(`Invalid --alg ${JSON.stringify(scheme)}: use nostr or ed25519`, NAME);
    }
    const key = generateKey(scheme);
    const primary = primaryOfKey(key);
    const secret = encodeSecret(key);
    return Promise.resolve({
      code: 0,
      lines: [`Primary: ${primary}`, `Secret: ${secret}`],
      json: { primary, secret },
    });
  },
};
