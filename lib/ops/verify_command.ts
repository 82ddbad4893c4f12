/**
 * `kez-sig-server verify`: the whole database audited, chain by chain, and
 * its transparency log replayed.
 *
 * @module
 */

import { databasePath, DB_OPTION, type Env, HELP_OPTION } from "../config/mod.ts";
import { parseCommandArgs } from "../runtime/command_table.ts";
import { type Output, plural, readArgs, type ServerCommand } from "./server_command.ts";
import { isPostgresUrl } from "../store/pg_url.ts";
import {
  verifyDatabase,
  verifyPostgres,
  type VerifyProblem,
  type VerifyReport,
} from "./verify_database.ts";

const USAGE = `Usage: kez-sig-server verify [--db <path>|<postgres-url>]

Re-validates every stored chain from seq 0 with the protocol core: structure,
links, signatures and ops, the stored hash of every event, and that every stored
line is canonical JSON. Reads through a read-only connection, chain by chain, so
it is safe on a live database. Prints each problem (primary and seq) and a
summary. Exit 0 when there is no problem, 1 when there is one or the database
cannot be read, 2 for a usage error. On PostgreSQL it reads one REPEATABLE READ
snapshot, a page at a time, while the servers keep writing.

Options:
${DB_OPTION}
${HELP_OPTION}
`;

/**
 * Reads the arguments of `verify` or `stats`: the database alone.
 *
 * @param command the command, for messages
 * @param args the arguments after its name
 * @param env reads an environment variable
 * @returns the database
 * @throws {UsageError} for a flag or argument the command does not take
 * @throws {TypeError} for an empty path
 *
 * @example
 * ```ts
 * import { parseDatabaseArgs } from "./verify_command.ts";
 * if (parseDatabaseArgs("stats", ["--db", "a.db"], () => undefined) !== "a.db") throw new Error("db");
 * ```
 */
export function parseDatabaseArgs(command: string, args: string[], env: Env): string {
  const { values } = parseCommandArgs(command, {
    args,
    options: { db: { type: "string" } },
    allowPositionals: true,
  }, []);
  return databasePath(values.db, env);
}

/** The `verify` command. */
export const VERIFY_COMMAND: ServerCommand = {
  name: "verify",
  summary: "re-check every stored chain and hash; exit 1 on a problem",
  usage: USAGE,
  async run(args, { env, output }) {
    const db = readArgs("verify", () => parseDatabaseArgs("verify", args, env));
    const onProblem = (p: VerifyProblem) => {
      if (!("log" in p)) output.out(`${p.primary} seq ${p.seq}: ${p.message}`);
      else output.out(`log${p.index === undefined ? "" : ` index ${p.index}`}: ${p.message}`);
    };
    const report = isPostgresUrl(db)
      ? await verifyPostgres(db, onProblem)
      : verifyDatabase(db, onProblem);
    return summarize(report, output);
  },
};

function summarize(report: VerifyReport, output: Output): number {
  const log = report.logSize === null
    ? ""
    : `, and the log's ${plural(report.logSize, "leaf", "leaves")}`;
  const checked = `Verified ${plural(report.chains, "chain")}, ${
    plural(report.events, "event")
  }${log}`;
  if (report.problems === 0) {
    output.out(`${checked}: no problems`);
    return 0;
  }
  const skipped = report.skipped === 0
    ? ""
    : `; ${plural(report.skipped, "later event")} of those chains not checked`;
  output.out(`${checked}: ${plural(report.problems, "problem")}${skipped}`);
  return 1;
}
