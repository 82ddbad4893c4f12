/**
 * `kez sigchain show`: the local chain, event by event, and its state.
 *
 * @module
 */

import type { Command } from "../command.ts";
import { stateLines, summary } from "../format.ts";
import { namedChain } from "../named_chain.ts";

const NAME = "sigchain show";

/**
 * Prints `Primary:`, the event count, the head hash, one line per event and
 * the active subjects.
 *
 * @example
 * ```ts
 * import { sigchainShow } from "./sigchain_show.ts";
 * if (!sigchainShow.usage.includes("--primary")) throw new Error("unexpected");
 * ```
 */
export const sigchainShow: Command = {
  name: NAME,
  summary: "show the local chain and its active subjects",
  usage: `Usage: kez sigchain show [--primary P | --nsec SECRET] [--json]

Shows your local chain:

  Primary: nostr:npub1…
  Events: 2
  Head: sha256:…
    0 add    github:jason       2026-05-24T19:00:00.000Z
    1 add    dns:jason.example  2026-05-24T19:00:05.000Z
  Active: github:jason dns:jason.example

Options:
  --primary <P>   the chain's primary
  --nsec <secret> the secret, to name the primary by; else KEZ_SECRET
  --json          print {"primary", "length", "head", "events", "active"}
  -h, --help      print this help`,
  async run(args, ctx) {
    const { primary, chain } = await namedChain(NAME, args, ctx.io.env);
    const events = chain.events.map(({ envelope, hash }) => {
      const { seq, op, payload, created_at } = envelope.payload;
      return { seq, op, subject: payload.subject, created_at, hash };
    });
    const seqWidth = String(Math.max(0, chain.length - 1)).length;
    const subjectWidth = Math.max(0, ...events.map((e) => e.subject.length));
    const [head, active] = stateLines(chain);
    return {
      code: 0,
      lines: [
        `Primary: ${primary}`,
        `Events: ${chain.length}`,
        head!,
        ...events.map((e) =>
          `  ${String(e.seq).padStart(seqWidth)} ${e.op.padEnd(6)} ${
            e.subject.padEnd(subjectWidth)
          }  ${e.created_at}`
        ),
        active!,
      ],
      json: { ...summary(chain), events },
    };
  },
};
