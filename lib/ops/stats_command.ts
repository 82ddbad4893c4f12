/**
 * `kez-sig-server stats`: what a database holds, counted.
 *
 * @module
 */

import { DB_OPTION, HELP_OPTION } from "../config/mod.ts";
import { databaseStats } from "../store/stats.ts";
import { readArgs, type ServerCommand, type ServerContext } from "./server_command.ts";
import { parseDatabaseArgs } from "./verify_command.ts";

const USAGE = `Usage: kez-sig-server stats [--db <path>]

Prints the number of chains and events, the events by op and by signature
algorithm, and the size of the database files, from a read-only connection.

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
  run: (args, ctx) => Promise.try(stats, args, ctx),
};

function stats(args: string[], { env, output }: ServerContext): number {
  const db = readArgs("stats", () => parseDatabaseArgs("stats", args, env));
  const stats = databaseStats(db);
  output.out(`Database: ${db}, ${stats.databaseBytes} bytes (WAL ${stats.walBytes} bytes)`);
  output.out(`Chains: ${stats.chains}`);
  output.out(`Events: ${stats.events}`);
  output.out(`By op: ${tally(stats.byOp)}`);
  output.out(`By algorithm: ${tally(stats.byAlg)}`);
  return 0;
}
