/**
 * `kez sigchain add` and `kez sigchain revoke`: sign the next event and
 * append it to the local chain, checked by the same core the server uses.
 *
 * @module
 */

import { appendEvent, primaryOfKey } from "../../client/mod.ts";
import type { Op } from "../../protocol/mod.ts";
import { type Command, COMMON_FLAGS, parseCommandArgs } from "../command.ts";
import { kezHome } from "../home.ts";
import { secretFrom } from "../key_args.ts";
import { loadLocalChain, saveLocalChain } from "../local_chain.ts";

const CHECK: Readonly<Record<Op, string>> = {
  add: "a subject already active",
  revoke: "a subject not active",
};

function appendCommand(op: Op, summary: string, done: string): Command {
  const name = `sigchain ${op}`;
  return {
    name,
    summary,
    usage: `Usage: kez sigchain ${op} <subject> [--nsec SECRET] [--json]

Signs the next event of your local chain, "${op} <subject>", and appends it.
It is checked as the server would check it: a bad subject, or ${CHECK[op]},
fails here, before any network. Nothing is sent: 'kez sigchain publish' does that.

Arguments:
  <subject>       scheme:rest, e.g. github:jason or dns:jason.example

Options:
  --nsec <secret> the secret (nsec1… or ed25519-seed:<hex>); else KEZ_SECRET
  --json          print {"primary", "seq", "op", "subject", "created_at", "hash"}
  -h, --help      print this help

Environment:
  KEZ_SECRET      the secret, when --nsec is not given
  KEZ_HOME        where local chains live (default $XDG_DATA_HOME/kez, else ~/.local/share/kez)`,
    async run(args, ctx) {
      const { values, positionals } = parseCommandArgs(name, {
        args,
        options: { ...COMMON_FLAGS, nsec: { type: "string" } },
        allowPositionals: true,
      }, ["subject"]);
      const subject = positionals[0]!;
      const key = secretFrom(values, ctx.io.env, name);
      const home = kezHome(ctx.io.env);
      const chain = await loadLocalChain(home, primaryOfKey(key));
      const event = appendEvent(chain, key, op, subject);
      await saveLocalChain(home, chain);
      const { seq, created_at } = event.envelope.payload;
      return {
        code: 0,
        lines: [
          `${done} ${subject} as seq ${seq} of ${chain.primary} (local; publish to send it)`,
        ],
        json: { primary: chain.primary, seq, op, subject, created_at, hash: event.hash },
      };
    },
  };
}

/**
 * `kez sigchain add <subject>`.
 *
 * @example
 * ```ts
 * import { sigchainAdd } from "./sigchain_append.ts";
 * if (sigchainAdd.name !== "sigchain add") throw new Error("unexpected");
 * ```
 */
export const sigchainAdd: Command = appendCommand(
  "add",
  "add a subject to the local chain",
  "Added",
);

/**
 * `kez sigchain revoke <subject>`.
 *
 * @example
 * ```ts
 * import { sigchainRevoke } from "./sigchain_append.ts";
 * if (!sigchainRevoke.usage.includes("revoke <subject>")) throw new Error("unexpected");
 * ```
 */
export const sigchainRevoke: Command = appendCommand(
  "revoke",
  "revoke a subject in the local chain",
  "Revoked",
);
