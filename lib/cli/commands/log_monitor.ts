/**
 * `kez log monitor`: replay a server's transparency log and compare it with
 * the chains the server serves.
 *
 * @module
 */

import { encodeBase64 } from "../../tlog/mod.ts";
import { monitorLog, serverBase } from "../../client/mod.ts";
import { type Command, COMMON_FLAGS, parseCommandArgs } from "../command.ts";
import { kezHome } from "../home.ts";
import { loadMonitorState, saveMonitorState } from "../monitor_files.ts";
import { serverFrom } from "../sources.ts";

const NAME = "log monitor";

/**
 * Monitors one server's log, resuming where the last run stopped; exits 1
 * when it finds a problem.
 *
 * @example
 * ```ts
 * import { logMonitor } from "./log_monitor.ts";
 * if (!logMonitor.usage.includes("withheld")) throw new Error("unexpected");
 * ```
 */
export const logMonitor: Command = {
  name: NAME,
  summary: "replay a server's log and check the chains it serves against it",
  usage: `Usage: kez log monitor --server URL [--json]

Monitors the server's transparency log (spec §10.4): checks its checkpoint
(as every fetch does: the key, consistency with the kept checkpoint), replays
every entry from index 0 through /v1/log/entries, recomputes the root and
compares it with the checkpoint, verifies every chain in the log (§8), and
compares each chain the server serves with the chain its log holds:

  Log: localhost/kez-sig-server+1a2b3c4d+AU3…
  Entries: replayed 0…41 (42 new); their root is the checkpoint's (size 42)
  Chains: 5 compared with the chains the server serves
  withheld: nostr:npub1… seq 2 (log index 40) is in the log but not in the chain the server serves
  Result: 1 problem(s)

Problems: invalid_entry (the log holds an entry that does not extend its
chain), withheld (in the log, not in the served chain), altered (the served
chain holds another event at that seq), unlogged (served, with no inclusion
proof), invalid_chain (the served chain fails §8). Exits 1 when there is one;
an entries feed that does not hash to the checkpoint is an ALARM.

The progress (the index reached, the tree's peaks, each chain's hashes and log
indices) is kept in $KEZ_HOME/log/monitor/<server>.json, so the next run
replays only the new entries; remove the file to replay from 0.

Options:
  --server <URL>  the kez-sig-server, e.g. http://localhost:7878
  --json          print {"server", "key", "size", "root", "from", "chains", "findings"}
  -h, --help      print this help`,
  async run(args, ctx) {
    const { values } = parseCommandArgs(NAME, {
      args,
      options: { ...COMMON_FLAGS, server: { type: "string" } },
    }, []);
    const server = serverBase(serverFrom(values.server, NAME));
    const home = kezHome(ctx.io.env);
    const report = await monitorLog(server, ctx.log, {
      ...ctx.client,
      state: await loadMonitorState(home, server),
      save: (state) => saveMonitorState(home, server, state),
    });
    const { size, root } = report.checkpoint;
    const fresh = size - report.from;
    const { findings } = report;
    return {
      code: findings.length === 0 ? 0 : 1,
      lines: [
        `Log: ${report.key}`,
        fresh > 0
          ? `Entries: replayed ${report.from}…${size - 1} (${fresh} new); ` +
            `their root is the checkpoint's (size ${size})`
          : `Entries: none new; the root of ${size} is the checkpoint's`,
        `Chains: ${report.chains} compared with the chains the server serves`,
        ...(report.cosigners === undefined ? [] : [
          `Witnesses: the checkpoint is cosigned by ${
            report.cosigners.map((c) => `${c.witness} (at ${c.timestamp})`).join(", ")
          }, meeting the policy's quorum`,
        ]),
        ...findings.map((f) => `${f.kind}: ${f.message}`),
        `Result: ${findings.length === 0 ? "no problems" : `${findings.length} problem(s)`}`,
      ],
      json: {
        server: report.server,
        key: report.key,
        size,
        root: encodeBase64(root),
        from: report.from,
        chains: report.chains,
        findings,
        ...(report.cosigners === undefined ? {} : { cosigners: report.cosigners }),
      },
    };
  },
};
