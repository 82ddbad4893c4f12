/**
 * `kez log proof`: the C2SP tlog-proof that an event is in a server's log.
 *
 * @module
 */

import { KezClient } from "../../client/mod.ts";
import { KezError, parsePrimary } from "../../protocol/mod.ts";
import { type Command, COMMON_FLAGS, parseCommandArgs } from "../command.ts";
import { UsageError } from "../errors.ts";
import { serverFrom } from "../sources.ts";

const NAME = "log proof";

function seqFrom(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seq = Number(text);
  if (!/^(0|[1-9][0-9]*)$/.test(text) || !Number.isSafeInteger(seq)) {
    throw new UsageError(`Invalid --seq ${JSON.stringify(text)}: a non-negative integer`, NAME);
  }
  return seq;
}

/**
 * Prints an event's tlog-proof after checking it, and can write the event
 * beside it for `kez log verify-proof`.
 *
 * @example
 * ```ts
 * import { logProof } from "./log_proof.ts";
 * if (!logProof.usage.includes("c2sp.org/tlog-proof@v1")) throw new Error("unexpected");
 * ```
 */
export const logProof: Command = {
  name: NAME,
  summary: "print the proof that an event is in a server's log",
  usage: `Usage: kez log proof <primary> --server URL [--seq N] [--event FILE] [--json]

Prints the C2SP tlog-proof (c2sp.org/tlog-proof@v1) that the event at seq N
of the primary's chain (by default its head) is in the server's transparency
log: the line c2sp.org/tlog-proof@v1, "index <I>", the audit path, an empty
line and the log's signed checkpoint. It is checked first, as every fetch is
(the chain, the checkpoint with the trusted key, its consistency with the
kept one, the inclusion); a failure is an ALARM.

The proof and the event together can be checked offline, by anyone holding
the log's key:

  kez log proof "$PRIMARY" --server http://localhost:7878 --event event.json > proof.txt
  kez log verify-proof proof.txt --event event.json

Options:
  --server <URL>  the kez-sig-server, e.g. http://localhost:7878
  --seq <N>       the event's seq; the chain's head by default
  --event <FILE>  also write the event, its canonical line (JCS), to FILE
  --json          print {"server", "primary", "seq", "index", "proof", "event"}
  -h, --help      print this help`,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(NAME, {
      args,
      options: {
        ...COMMON_FLAGS,
        server: { type: "string" },
        seq: { type: "string" },
        event: { type: "string" },
      },
      allowPositionals: true,
    }, ["primary"]);
    const server = serverFrom(values.server, NAME);
    const asked = seqFrom(values.seq);
    const primary = parsePrimary(positionals[0]!).text;
    const client = new KezClient(server, ctx.client);
    const chain = await client.getChain(primary);
    const seq = asked ?? Math.max(0, chain.length - 1);
    const event = chain.events[seq];
    if (event === undefined) {
      throw new KezError(
        "not_found",
        `Cannot prove ${primary} seq ${seq}: ${client.server} holds ${chain.length} event(s)`,
      );
    }
    const proved = await ctx.log.checkEvent(client.server, primary, event);
    if (proved === null) {
      throw new KezError(
        "not_found",
        `Cannot prove ${primary} seq ${seq}: ${client.server} has no transparency log`,
      );
    }
    if (values.event !== undefined) await Deno.writeTextFile(values.event, event.line + "\n");
    return {
      code: 0,
      lines: proved.proof.replace(/\n$/, "").split("\n"),
      json: {
        server: client.server,
        primary,
        seq,
        index: proved.index,
        proof: proved.proof,
        event: event.line,
      },
    };
  },
};
