/**
 * The maintenance commands of `kez-sig-server`, as rows of its command
 * table; the binary adds `mirror`, which serves.
 *
 * @module
 */

import { BACKUP_COMMAND } from "./backup_command.ts";
import { HEALTHCHECK_COMMAND } from "./healthcheck_command.ts";
import { MIGRATE_COMMAND } from "./migrate_command.ts";
import type { ServerCommand } from "./server_command.ts";
import { STATS_COMMAND } from "./stats_command.ts";
import { VERIFY_COMMAND } from "./verify_command.ts";

/**
 * `backup`, `verify`, `stats`, `healthcheck` and `migrate`, in the order the
 * binary's help lists them.
 *
 * @example
 * ```ts
 * import { MAINTENANCE_COMMANDS } from "./maintenance.ts";
 * const stats = MAINTENANCE_COMMANDS.find((c) => c.name === "stats")!;
 * const lines: string[] = [];
 * const output = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
 * const env = () => undefined;
 * await stats.run(["--db", "/no/such.db"], { env, output }).then(
 *   () => { throw new Error("a missing file cannot be counted"); },
 *   (e: Error) => { if (!e.message.includes("Cannot open database")) throw e; },
 * );
 * ```
 */
export const MAINTENANCE_COMMANDS: readonly ServerCommand[] = [
  BACKUP_COMMAND,
  VERIFY_COMMAND,
  STATS_COMMAND,
  HEALTHCHECK_COMMAND,
  MIGRATE_COMMAND,
];
