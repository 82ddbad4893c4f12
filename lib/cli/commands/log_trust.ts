/**
 * `kez log trust`: pin the verifier key of a server's transparency log.
 *
 * @module
 */

import { policyFor, serverBase } from "../../client/mod.ts";
import { formatVerifierKey, parseVerifierKey } from "../../tlog/mod.ts";
import { type Command, COMMON_FLAGS, parseCommandArgs } from "../command.ts";
import { UsageError } from "../errors.ts";
import { kezHome } from "../home.ts";
import { FileLogState } from "../log_files.ts";
import { readPolicyFile } from "../policy_file.ts";
import { serverFrom } from "../sources.ts";

const NAME = "log trust";

/** Reads a policy file and checks it fits the key, before anything is pinned. */
async function readPolicy(
  path: string,
  via: string,
  key: string,
  server: string,
): Promise<string> {
  const text = await readPolicyFile(path, via);
  try {
    policyFor(text, parseVerifierKey(key), server);
  } catch (e) {
    throw new UsageError((e as Error).message, NAME);
  }
  return text;
}

/**
 * Pins a log key for a server, replacing any key trusted for it before.
 *
 * @example
 * ```ts
 * import { logTrust } from "./log_trust.ts";
 * if (!logTrust.usage.includes("on first use")) throw new Error("unexpected");
 * ```
 */
export const logTrust: Command = {
  name: NAME,
  summary: "pin the key of a server's transparency log",
  usage: `Usage: kez log trust <KEY> --server URL [--log-policy FILE] [--json]

Pins the verifier key of the server's transparency log (spec §10.2), the
form <origin>+<8 hex key ID>+<base64 key> that the server's operator gives
you, out of band:

  kez log trust 'localhost/kez-sig-server+1a2b3c4d+AU3…' --server http://localhost:7878
  Pinned log key localhost/kez-sig-server+1a2b3c4d+AU3… for http://localhost:7878

From then on, every fetch and publish against that server checks the log's
checkpoints with this key, and a checkpoint it does not sign, or a server that
stops serving its log, is an ALARM (exit 1) that prints the evidence.

Without a pinned key, the first command that talks to a server trusts the key
the server serves (GET /v1/log/key) on first use, and says so on standard
error; a server answering 404 there has no log: a warning, and nothing checked.
Once a key is kept, pinned or on first use, a server that stops serving its
log is an ALARM too.

With --log-policy (or KEZ_LOG_POLICY), a C2SP tlog-policy file is pinned with
the key: from then on every fetch and publish against that server needs a
checkpoint its witnesses' quorum cosigned (GET /v1/log/checkpoint/witnessed:
distinct witnesses, valid cosignature/v1 lines, none dated in the future), and
the chain's head proven in it; a quorum not met is an error naming the
witnesses that did cosign. Pinning the key again without a policy drops it.

Keys and checkpoints are kept under $KEZ_HOME/log/: servers/<server>.json
(the key and whether it is pinned), checkpoints/<origin>+<key ID>.checkpoint
(the largest checkpoint verified for that log), monitor/<server>.json
(the progress of 'kez log monitor').

Options:
  --server <URL>  the kez-sig-server, e.g. http://localhost:7878
  --log-policy <FILE>  a C2SP tlog-policy whose witness quorum to require
                  (env KEZ_LOG_POLICY)
  --json          print {"server", "key", "pinned", "replaced"}, and
                  "policy" (its text) when one is pinned
  -h, --help      print this help`,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(NAME, {
      args,
      options: { ...COMMON_FLAGS, server: { type: "string" }, "log-policy": { type: "string" } },
      allowPositionals: true,
    }, ["KEY"]);
    const server = serverBase(serverFrom(values.server, NAME));
    let key;
    try {
      key = formatVerifierKey(parseVerifierKey(positionals[0]!));
    } catch (e) {
      throw new UsageError((e as Error).message, NAME);
    }
    const flag = values["log-policy"];
    const policyFile = flag ?? ctx.io.env("KEZ_LOG_POLICY");
    const via = flag === undefined ? "KEZ_LOG_POLICY" : "--log-policy";
    const policy = policyFile === undefined
      ? undefined
      : await readPolicy(policyFile, via, key, server);
    const state = new FileLogState(() => kezHome(ctx.io.env));
    const before = await state.readKey(server);
    await state.writeKey(server, {
      key,
      pinned: true,
      ...(policy === undefined ? {} : { policy }),
    });
    const replaced = before === null || before.key === key ? null : before.key;
    const was = before?.pinned ? "pinned before" : "trusted on first use";
    return {
      code: 0,
      lines: [
        `Pinned log key ${key} for ${server}` +
        (replaced === null ? "" : ` (replacing ${replaced}, ${was})`),
        ...(policy === undefined ? [] : [`Pinned witness policy ${policyFile} with it`]),
      ],
      json: { server, key, pinned: true, replaced, ...(policy === undefined ? {} : { policy }) },
    };
  },
};
