/**
 * The maintenance commands as the binary runs them: what they print and
 * their exit status.
 *
 * @module
 */

import type { Command } from "../config/mod.ts";
import { backupDatabase } from "../store/backup.ts";
import { checkHealth } from "./healthcheck.ts";
import { databaseStats } from "../store/stats.ts";
import { migrateToPostgres } from "../store/pg_migrate.ts";
import { redactUrl } from "../store/pg_url.ts";
import { verifyDatabase } from "./verify_database.ts";

/** A maintenance command, as parsed from the command line. */
export type MaintenanceCommand = Extract<
  Command,
  { kind: "backup" | "verify" | "stats" | "healthcheck" | "migrate" }
>;

/** Where a command's output goes: one call per line. */
export interface Output {
  /** The result, on standard output. @param line the line */
  out(line: string): void;
  /** Failures, on standard error. @param line the line */
  err(line: string): void;
}

const CONSOLE: Output = { out: (line) => console.log(line), err: (line) => console.error(line) };

function plural(n: number, word: string, words = `${word}s`): string {
  return `${n} ${n === 1 ? word : words}`;
}

function tally(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? "none" : entries.map(([k, n]) => `${k} ${n}`).join(", ");
}

/**
 * Runs a maintenance command.
 *
 * @param command the command
 * @param output where lines go; the console by default
 * @returns the exit status: 0 success, 1 failure (a problem found, a database
 *   that cannot be used, a backup or its log key not written, an unhealthy server)
 *
 * @example
 * ```ts
 * import { runMaintenance } from "./maintenance.ts";
 * const lines: string[] = [];
 * const output = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
 * const status = await runMaintenance({ kind: "stats", db: "/no/such.db" }, output);
 * if (status !== 1 || !lines[0]!.includes("Cannot open database")) throw new Error(lines.join());
 * ```
 */
export async function runMaintenance(
  command: MaintenanceCommand,
  output: Output = CONSOLE,
): Promise<number> {
  try {
    return await run(command, output);
  } catch (e) {
    output.err(`kez-sig-server: ${(e as Error).message}`);
    return 1;
  }
}

async function run(command: MaintenanceCommand, { out, err }: Output): Promise<number> {
  switch (command.kind) {
    case "backup": {
      const report = await backupDatabase(command.db, command.file, { keyFile: command.keyFile });
      const key = report.keyCopy === null ? "" : `; log key copied to ${report.keyCopy}`;
      out(
        `Backed up ${
          plural(report.events, "event")
        } to ${command.file} (${report.bytes} bytes), checked${key}`,
      );
      if (report.keyMissing === null) return 0;
      err(
        `kez-sig-server: WARNING: no log key copied: "${report.keyMissing}" does not exist, and the database has a transparency log signed with it; ` +
          `this backup alone restores only under a new key (--new-log-key), which every client that pinned the old one reports as an ALARM. ` +
          `Give backup the server's --log-key (or KEZ_LOG_KEY), and keep the key file safe`,
      );
      return 1;
    }
    case "verify": {
      const report = verifyDatabase(command.db, (p) => {
        if (!("log" in p)) out(`${p.primary} seq ${p.seq}: ${p.message}`);
        else out(`log${p.index === undefined ? "" : ` index ${p.index}`}: ${p.message}`);
      });
      const log = report.logSize === null
        ? ""
        : `, and the log's ${plural(report.logSize, "leaf", "leaves")}`;
      const checked = `Verified ${plural(report.chains, "chain")}, ${
        plural(report.events, "event")
      }${log}`;
      if (report.problems === 0) {
        out(`${checked}: no problems`);
        return 0;
      }
      const skipped = report.skipped === 0
        ? ""
        : `; ${plural(report.skipped, "later event")} of those chains not checked`;
      out(`${checked}: ${plural(report.problems, "problem")}${skipped}`);
      return 1;
    }
    case "stats": {
      const stats = databaseStats(command.db);
      out(`Database: ${command.db}, ${stats.databaseBytes} bytes (WAL ${stats.walBytes} bytes)`);
      out(`Chains: ${stats.chains}`);
      out(`Events: ${stats.events}`);
      out(`By op: ${tally(stats.byOp)}`);
      out(`By algorithm: ${tally(stats.byAlg)}`);
      return 0;
    }
    case "migrate": {
      const report = await migrateToPostgres(command.from, command.to);
      out(
        `Migrated ${plural(report.events, "event")} from ${command.from} to ${
          redactUrl(command.to)
        }, checked: log size ${report.size}, root ${report.root}`,
      );
      return 0;
    }
    case "healthcheck": {
      const { healthy, detail } = await checkHealth(command.url);
      out(`${healthy ? "healthy" : "unhealthy"}: ${command.url}: ${detail}`);
      return healthy ? 0 : 1;
    }
  }
}
