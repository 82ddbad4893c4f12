/**
 * `kez-sig-server stats`: what a database holds, counted.
 *
 * @module
 */

import { DB_OPTION, HELP_OPTION } from "../config/mod.ts";
import { pgDatabaseStats } from "../store/pg_stats.ts";
import { isPostgresUrl, redactUrl } from "../store/pg_url.ts";
import { databaseStats, type EventCounts } from "../store/stats.ts";
import { type Output, readArgs, type ServerCommand } from "./server_command.ts";
import { parseDatabaseArgs } from "./verify_command.ts";

const USAGE = `Usage: kez-sig-server stats [--db <path>|<postgres-url>]

Prints the number of chains and events, the events by op and by signature
algorithm, and the size of the database files, from a read-only connection
(on PostgreSQL, one snapshot; the sizes of the database, the events and the log).

Options:
${DB_OPTION}
${HELP_OPTION}
`;

function tally(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? "none" : entries.map(([k, n]) => `${k} ${n}`).join(", ");
}

/** The `stats` command. */
export const STATS_COMMAND: ServerCommand = {
  name: "stats",
  summary: "count chains and events by op and algorithm; the database size",
  usage: USAGE,
  async run(args, { env, output }) {
    const db = readArgs("stats", () => parseDatabaseArgs("stats", args, env));
    if (isPostgresUrl(db)) {
      const stats = await pgDatabaseStats(db);
      output.out(
        `Database: ${
          redactUrl(db)
        }, ${stats.databaseBytes} bytes (events ${stats.eventsBytes} bytes, log ${stats.logBytes} bytes)`,
      );
      return counts(stats, output);
    }
    const stats = databaseStats(db);
    output.out(`Database: ${db}, ${stats.databaseBytes} bytes (WAL ${stats.walBytes} bytes)`);
    return counts(stats, output);
  },
};

function counts(stats: EventCounts, output: Output): number {
  output.out(`Chains: ${stats.chains}`);
  output.out(`Events: ${stats.events}`);
  output.out(`By op: ${tally(stats.byOp)}`);
  output.out(`By algorithm: ${tally(stats.byAlg)}`);
  return 0;
}
