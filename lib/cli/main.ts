/**
 * The `kez` command line: finds the command, answers `--help`, runs it, and
 * prints its report or its error as one line.
 *
 * @module
 */

import denoJson from "../../deno.json" with { type: "json" };
import { LogAlarm, LogVerifier } from "../client/mod.ts";
import { KezError } from "../protocol/mod.ts";
import type { Command, Context, Report } from "./command.ts";
import { COMMANDS } from "./commands/mod.ts";
import { CliError, UsageError } from "./errors.ts";
import { commandList, findCommand, givesFlag } from "../runtime/command_table.ts";
import { kezHome } from "./home.ts";
import { denoIo, type Io } from "./io.ts";
import { FileLogState } from "./log_files.ts";
import { readPolicyFile } from "./policy_file.ts";

/** Longest a network command may take before its requests are aborted. */
const NETWORK_TIMEOUT_MS = 60_000;

const USAGE = `kez: build, sign, publish, fetch and check KEZ sigchains

Usage: kez <command> [options]

Commands:
${commandList(COMMANDS)}

Every command takes --help, and --json for machine-readable output.
The secret comes from --nsec or KEZ_SECRET. Local chains live under KEZ_HOME
(default $XDG_DATA_HOME/kez, else ~/.local/share/kez).
Every fetch and publish checks the server's transparency log, with a pinned
key or one trusted on first use (see 'kez log trust --help'); a failed check
is an ALARM that prints its evidence.
Exit status: 0 success, 1 failed or invalid, 2 usage error.

Options:
  -h, --help     print this help
  -V, --version  print the version`;

/** The words that group commands: `kez sigchain add`, `kez log trust`. */
const GROUPS: readonly string[] = ["identity", "sigchain", "log"];

/** The help of a group: its commands, as `kez --help` lists them. */
function groupUsage(group: string): string {
  return `Usage: kez ${group} <command> [options]

Commands:
${commandList(COMMANDS.filter((c) => c.name.startsWith(`${group} `)))}

Every command takes --help; see 'kez --help' for the rest.`;
}

function find(args: readonly string[]): Command {
  const command = findCommand(COMMANDS, args);
  if (command !== undefined) return command;
  const name = args.slice(0, 2).join(" ");
  if (GROUPS.includes(args[0]!)) {
    throw new UsageError(
      args[1] === undefined ? `Missing ${args[0]} command` : `Unknown command '${name}'`,
    );
  }
  throw new UsageError(`Unknown command '${args[0]}'`);
}

/** `KEZ_LOG_POLICY`'s witness policy, which every server's log must meet, over one pinned. */
function policyOf(io: Io): Promise<string | undefined> {
  const path = io.env("KEZ_LOG_POLICY");
  return path === undefined ? Promise.resolve(undefined) : readPolicyFile(path, "KEZ_LOG_POLICY");
}

function isExpected(e: unknown): e is Error {
  return e instanceof KezError || e instanceof CliError ||
    Object.values(Deno.errors).some((type) => e instanceof type);
}

function print(io: Io, report: Report, json: boolean): void {
  for (const line of report.warnings ?? []) io.err(`kez: warning: ${line}`);
  if (json) io.out(JSON.stringify(report.json));
  else for (const line of report.lines) io.out(line);
}

/** An alarm is the one error of several lines: its evidence, verbatim, for others to check. */
function alarm(io: Io, e: LogAlarm, json: boolean): number {
  if (json) {
    const { code, message, server, evidence } = e;
    io.err(JSON.stringify({ error: { code, message, alarm: true, server, evidence } }));
    return 1;
  }
  io.err(`kez: ALARM: ${e.message}`);
  io.err("kez: the evidence follows, each item verbatim (but its final newline) between its lines");
  for (const { name, text } of e.evidence) {
    io.err(`-----BEGIN ${name}-----`);
    io.err(text.replace(/\n$/, ""));
    io.err(`-----END ${name}-----`);
  }
  return 1;
}

function fail(io: Io, e: Error, json: boolean): number {
  if (e instanceof LogAlarm) return alarm(io, e, json);
  const usage = e instanceof UsageError;
  if (json) {
    const code = e instanceof KezError ? e.code : usage ? "usage" : "failed";
    io.err(JSON.stringify({ error: { code, message: e.message } }));
  } else {
    const hint = usage ? ` (see 'kez ${e.command ?? ""}${e.command ? " " : ""}--help')` : "";
    io.err(`kez: ${e.message}${hint}`);
  }
  return usage ? 2 : 1;
}

/**
 * Runs one `kez` command line.
 *
 * @param args the arguments after the program name
 * @param io the environment and standard streams; the process's by default
 * @returns the exit status: 0 success, 1 failed or a negative answer, 2 usage error
 * @throws {Error} only for a bug: expected failures are printed as one line
 *
 * @example
 * ```ts
 * import { main } from "./main.ts";
 * const out: string[] = [];
 * const io = { env: () => undefined, out: (l: string) => out.push(l), err: () => {}, stdin: () => Promise.resolve(new Uint8Array()) };
 * if ((await main(["identity", "new"], io)) !== 0 || !out[1]?.startsWith("Secret: nsec1")) {
 *   throw new Error("unexpected");
 * }
 * if ((await main(["sigchain", "nonsense"], io)) !== 2) throw new Error("usage error");
 * if ((await main(["log", "--help"], io)) !== 0 || !out.at(-1)?.includes("log trust")) {
 *   throw new Error("a group's help lists its commands");
 * }
 * ```
 */
export async function main(args: readonly string[], io: Io = denoIo()): Promise<number> {
  const json = givesFlag(args, "--json");
  try {
    if (args.length === 0) throw new UsageError("Missing command");
    if (args[0] === "-h" || args[0] === "--help") {
      io.out(USAGE);
      return 0;
    }
    if (args[0] === "-V" || args[0] === "--version") {
      io.out(`kez ${denoJson.version}`);
      return 0;
    }
    if (GROUPS.includes(args[0]!) && (args[1] === "-h" || args[1] === "--help")) {
      io.out(groupUsage(args[0]!));
      return 0;
    }
    const command = find(args);
    if (givesFlag(args, "-h", "--help")) {
      io.out(command.usage);
      return 0;
    }
    const signal = AbortSignal.timeout(NETWORK_TIMEOUT_MS);
    const policy = await policyOf(io);
    const log = new LogVerifier(new FileLogState(() => kezHome(io.env)), {
      signal,
      onWarning: (line) => io.err(`kez: warning: ${line}`),
      ...(policy === undefined ? {} : { policy }),
    });
    const ctx: Context = { io, client: { signal, log }, log };
    const report = await command.run(args.slice(command.name.split(" ").length), ctx);
    print(io, report, json);
    return report.code;
  } catch (e) {
    if (e instanceof UsageError || isExpected(e)) return fail(io, e, json);
    throw e;
  }
}
