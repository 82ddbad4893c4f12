/**
 * `kez-sig-server migrate --from x.db --to postgres://…`: a SQLite database
 * and its log copied into an empty PostgreSQL one, and checked.
 *
 * @module
 */

import { HELP_OPTION } from "../config/mod.ts";
import { parseCommandArgs } from "../runtime/command_table.ts";
import { migrateToPostgres } from "../store/pg_migrate.ts";
import { isPostgresUrl, redactUrl } from "../store/pg_url.ts";
import { plural, readArgs, type ServerCommand } from "./server_command.ts";

/** What `migrate` is asked to copy, and where. */
export interface MigrateArgs {
  /** The SQLite file to copy. */
  readonly from: string;
  /** The empty PostgreSQL database to copy it into. */
  readonly to: string;
}

const USAGE = `Usage: kez-sig-server migrate --from <path> --to <postgres-url>

Copies a SQLite database, its chains and its transparency log with its last
signed checkpoint, into an empty PostgreSQL database in one transaction, then
checks the copy: every leaf hashed again from its line, and the tree's root the
SQLite log's. Start the servers on PostgreSQL with the SQLite file's log key
(--log-key <path>-log.key). Exit 0 when copied and checked, 1 when not (nothing
is left in PostgreSQL), 2 for a usage error.

Options:
  --from <path>         the SQLite database file (a server may be running on it)
  --to <url>            postgres://user@host:port/name, a database without events
${HELP_OPTION}
`;

/**
 * Reads `migrate`'s arguments.
 *
 * @param args the arguments after `migrate`
 * @returns the source file and the target URL
 * @throws {UsageError} for a flag or argument `migrate` does not take
 * @throws {TypeError} for a missing source or a target that is not a PostgreSQL URL
 *
 * @example
 * ```ts
 * import { parseMigrateArgs } from "./migrate_command.ts";
 * const args = parseMigrateArgs(["--from", "a.db", "--to", "postgres://kez@db:5432/kez"]);
 * if (args.from !== "a.db") throw new Error("unexpected");
 * ```
 */
export function parseMigrateArgs(args: string[]): MigrateArgs {
  const { values } = parseCommandArgs("migrate", {
    args,
    options: { from: { type: "string" }, to: { type: "string" } },
    allowPositionals: true,
  }, []);
  if (values.from === undefined || values.from === "") {
    throw new TypeError("Cannot migrate: --from <path> (the SQLite file) is required");
  }
  if (values.to === undefined || !isPostgresUrl(values.to)) {
    throw new TypeError("Cannot migrate: --to postgres://user@host:port/name is required");
  }
  return { from: values.from, to: values.to };
}

/** The `migrate` command. */
export const MIGRATE_COMMAND: ServerCommand = {
  name: "migrate",
  summary: "copy a SQLite database and its log into an empty PostgreSQL one",
  usage: USAGE,
  async run(args, { output }) {
    const { from, to } = readArgs("migrate", () => parseMigrateArgs(args));
    const report = await migrateToPostgres(from, to);
    output.out(
      `Migrated ${plural(report.events, "event")} from ${from} to ${
        redactUrl(to)
      }, checked: log size ${report.size}, root ${report.root}`,
    );
    return 0;
  },
};
