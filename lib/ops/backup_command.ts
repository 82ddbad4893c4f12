/**
 * `kez-sig-server backup <file>`: a verified copy of a live database, and its
 * log's key beside it.
 *
 * @module
 */

import { databasePath, DB_OPTION, type Env, HELP_OPTION, logKeyPath } from "../config/mod.ts";
import { parseCommandArgs } from "../runtime/command_table.ts";
import { backupDatabase, type BackupReport } from "../store/backup.ts";
import { backupPostgres } from "../store/pg_backup.ts";
import { isPostgresUrl, redactUrl } from "../store/pg_url.ts";
import { plural, readArgs, type ServerCommand } from "./server_command.ts";

/** What `backup` is asked to do. */
export interface BackupArgs {
  /** The database to copy. */
  readonly db: string;
  /** The copy to write; it must not exist. */
  readonly file: string;
  /** The log's key file to copy beside the backup, as the server finds it. */
  readonly keyFile: string | null;
}

const USAGE = `Usage: kez-sig-server backup <file> [--db <path>|<postgres-url>] [--log-key <path>]

Writes a consistent copy of the database to <file>, which must not exist, while
the server may be running (SQLite's online backup, in one read snapshot), then
checks the copy: integrity, schema, and its events against the database. Then
copies the transparency log's key file beside it, as <file>-log.key (mode 0600):
a restore needs both. Exit 0 when the copy and its key are written and checked,
1 when either is not (the copy of a database with a log but no key file is kept,
and the missing key named), 2 for a usage error.

From PostgreSQL (--db postgres://…, --log-key required) the copy is a checked
SQLite file of one snapshot, the chains and the log with its last checkpoint,
that a SQLite server started with the copied key goes on with; the key must
sign the database's last checkpoint.

Options:
${DB_OPTION}
  --log-key <path>      the log's key file, as the server has it
                        (env KEZ_LOG_KEY; default: <db>-log.key)
${HELP_OPTION}
`;

/**
 * Reads `backup`'s arguments and environment.
 *
 * @param args the arguments after `backup`
 * @param env reads an environment variable
 * @returns the database, the copy and the key file
 * @throws {UsageError} for a flag `backup` does not take, or no file or two
 * @throws {TypeError} for an empty path, or a PostgreSQL database without `--log-key`
 *
 * @example
 * ```ts
 * import { parseBackupArgs } from "./backup_command.ts";
 * const args = parseBackupArgs(["/backups/a.db"], (name) => name === "KEZ_DB" ? "/data/a.db" : undefined);
 * if (args.db !== "/data/a.db" || args.keyFile !== "/data/a.db-log.key") throw new Error("unexpected");
 * ```
 */
export function parseBackupArgs(args: string[], env: Env): BackupArgs {
  const { values, positionals } = parseCommandArgs("backup", {
    args,
    options: { db: { type: "string" }, "log-key": { type: "string" } },
    allowPositionals: true,
  }, ["file"]);
  const db = databasePath(values.db, env);
  const flag = values["log-key"] ?? env("KEZ_LOG_KEY");
  if (flag === undefined && isPostgresUrl(db)) {
    throw new TypeError(
      "Cannot back up a PostgreSQL database: --log-key <path> (the servers' key file) is required",
    );
  }
  const keyFile = logKeyPath(flag, db);
  return { db, file: positionals[0]!, keyFile };
}

/** The `backup` command. */
export const BACKUP_COMMAND: ServerCommand = {
  name: "backup",
  summary: "write a verified copy of the database, safe while the server runs",
  usage: USAGE,
  async run(args, { env, output }) {
    const { db, file, keyFile } = readArgs("backup", () => parseBackupArgs(args, env));
    let report: BackupReport;
    if (isPostgresUrl(db) && keyFile !== null) {
      const pg = await backupPostgres(db, file, { keyFile });
      report = pg;
      output.out(
        `Backed up ${plural(pg.events, "event")} from ${
          redactUrl(db)
        } to ${file} (${pg.bytes} bytes), checked: log size ${pg.size}, root ${pg.root}${
          keyCopied(pg)
        }`,
      );
    } else {
      report = await backupDatabase(db, file, { keyFile });
      output.out(
        `Backed up ${plural(report.events, "event")} to ${file} (${report.bytes} bytes), checked${
          keyCopied(report)
        }`,
      );
    }
    if (report.keyMissing === null) return 0;
    output.err(
      `kez-sig-server: WARNING: no log key copied: "${report.keyMissing}" does not exist, and the database has a transparency log signed with it; ` +
        `this backup alone restores only under a new key (--new-log-key), which every client that pinned the old one reports as an ALARM. ` +
        `Give backup the server's --log-key (or KEZ_LOG_KEY), and keep the key file safe`,
    );
    return 1;
  },
};

function keyCopied(report: BackupReport): string {
  return report.keyCopy === null ? "" : `; log key copied to ${report.keyCopy}`;
}
