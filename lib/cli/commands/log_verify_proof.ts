/**
 * `kez log verify-proof`: check a tlog-proof offline.
 *
 * @module
 */

import { decodeUtf8 } from "../../client/mod.ts";
import { KezError, parseEnvelope, parseJsonText, toChainEvent } from "../../protocol/mod.ts";
import {
  formatVerifierKey,
  type OpenedTlogProof,
  openTlogProof,
  parseTlogProof,
  parseVerifierKey,
  type VerifierKey,
} from "../../tlog/mod.ts";
import { type Command, COMMON_FLAGS, parseCommandArgs } from "../command.ts";
import { CliError, UsageError } from "../errors.ts";
import { kezHome } from "../home.ts";
import { trustedKeys } from "../log_files.ts";

const NAME = "log verify-proof";

/** The event of the file: one envelope as JSON, its leaf being its canonical line. */
async function readEvent(path: string) {
  const text = decodeUtf8(await Deno.readFile(path), path).replace(/\n$/, "");
  try {
    return toChainEvent(parseEnvelope(parseJsonText(text)));
  } catch (e) {
    if (!(e instanceof KezError)) throw e;
    throw new CliError(`Cannot read event ${path}: ${e.message}`, { cause: e });
  }
}

/** The keys to try: --key, else every trusted key named as the checkpoint's origin. */
async function keysFor(flag: string | undefined, proof: string, home: () => string) {
  if (flag !== undefined) {
    try {
      return [parseVerifierKey(flag)];
    } catch (e) {
      throw new UsageError(`Invalid --key: ${(e as Error).message}`, NAME);
    }
  }
  const origin = parseTlogProof(proof).checkpoint.split("\n", 1)[0]!;
  const texts = new Set((await trustedKeys(home())).map((k) => k.key));
  const keys = [...texts].map(parseVerifierKey).filter((k) => k.name === origin);
  if (keys.length === 0) {
    throw new CliError(
      `Cannot verify proof: no key is trusted for the log ${origin}; give --key, ` +
        "or pin one with 'kez log trust'",
    );
  }
  return keys;
}

type Opening = { opened: OpenedTlogProof; key: VerifierKey } | { reasons: string[] };

function open(proof: string, leaf: Uint8Array, keys: VerifierKey[]): Opening {
  const reasons: string[] = [];
  for (const key of keys) {
    try {
      return { opened: openTlogProof(proof, leaf, key), key };
    } catch (e) {
      reasons.push(`with ${formatVerifierKey(key)}: ${(e as Error).message}`);
    }
  }
  return { reasons };
}

/**
 * Checks a proof file against an event file and a log key, offline.
 *
 * @example
 * ```ts
 * import { logVerifyProof } from "./log_verify_proof.ts";
 * if (!logVerifyProof.usage.includes("--event FILE")) throw new Error("unexpected");
 * ```
 */
export const logVerifyProof: Command = {
  name: NAME,
  summary: "check offline that an event is in a log, by its proof",
  usage: `Usage: kez log verify-proof <PROOF_FILE> --event FILE [--key KEY] [--json]

Checks, offline, a C2SP tlog-proof (as 'kez log proof' prints it) for the
event in FILE: the proof's checkpoint must be signed by the log's key, and its
audit path must lead from the event's leaf (the canonical line, JCS, of the
envelope in FILE) at the proof's index to the checkpoint's root.

  Valid: nostr:npub1… seq 2 is entry 7 of the log localhost/kez-sig-server (tree size 9)

FILE holds the event's envelope as JSON: what 'kez log proof --event FILE'
writes, or one line of a chain's JSONL. The key is --key, else each key
trusted under $KEZ_HOME (pinned, or on first use) for a log of the
checkpoint's origin. Exits 1 with the reason when the proof does not hold.

Options:
  --event <FILE>  the event the proof is for (required)
  --key <KEY>     the log's verifier key, <origin>+<key ID>+<base64 key>
  --json          print {"valid": true, "primary", "seq", "index", "size", "key"}
                  or {"valid": false, "reason"}
  -h, --help      print this help`,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(NAME, {
      args,
      options: { ...COMMON_FLAGS, event: { type: "string" }, key: { type: "string" } },
      allowPositionals: true,
    }, ["PROOF_FILE"]);
    if (values.event === undefined) throw new UsageError("Missing --event FILE", NAME);
    const path = positionals[0]!;
    const proof = decodeUtf8(await Deno.readFile(path), path);
    const event = await readEvent(values.event);
    let keys;
    try {
      keys = await keysFor(values.key, proof, () => kezHome(ctx.io.env));
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
      return invalid(`${path}: ${e.message}`);
    }
    const result = open(proof, new TextEncoder().encode(event.line), keys);
    if (!("opened" in result)) return invalid(result.reasons.join("; "));
    return valid(event.envelope.payload, result.opened, formatVerifierKey(result.key));
  },
};

function invalid(reason: string) {
  return { code: 1 as const, lines: [`Invalid: ${reason}`], json: { valid: false, reason } };
}

function valid(
  { primary, seq }: { primary: string; seq: number },
  { index, checkpoint }: OpenedTlogProof,
  key: string,
) {
  return {
    code: 0 as const,
    lines: [
      `Valid: ${primary} seq ${seq} is entry ${index} of the log ${checkpoint.origin} ` +
      `(tree size ${checkpoint.size})`,
    ],
    json: { valid: true, primary, seq, index, size: checkpoint.size, key },
  };
}
