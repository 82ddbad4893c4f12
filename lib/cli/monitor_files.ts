/**
 * The progress of `kez log monitor`, one file per server:
 * `$KEZ_HOME/log/monitor/<server>.json`, the replay's state (see
 * {@linkcode MonitorState}) as JSON, replaced atomically.
 *
 * @module
 */

import { join } from "node:path";
import type { MonitorState } from "../client/mod.ts";
import { CliError } from "./errors.ts";
import { logDir, readIfExists, safeName, writeCreating } from "./log_files.ts";

/**
 * The file of a server's monitor progress.
 *
 * @param home the kez home
 * @param server the server's base URL
 * @returns `home/log/monitor/<server>.json`
 *
 * @example
 * ```ts
 * import { monitorPath } from "./monitor_files.ts";
 * if (monitorPath("/k", "http://a") !== "/k/log/monitor/http_3a_2f_2fa.json") throw new Error("unexpected");
 * ```
 */
export function monitorPath(home: string, server: string): string {
  return join(logDir(home), "monitor", `${safeName(server)}.json`);
}

/**
 * Reads a server's monitor progress.
 *
 * @param home the kez home
 * @param server the server's base URL
 * @returns the progress, or null before the first run
 * @throws {CliError} when the file is not such progress
 *
 * @example
 * ```ts
 * import { loadMonitorState, saveMonitorState } from "./monitor_files.ts";
 * const home = await Deno.makeTempDir();
 * const state = { key: "k", size: 0, peaks: [], chains: {}, problems: [] };
 * await saveMonitorState(home, "http://a", state);
 * const loaded = await loadMonitorState(home, "http://a");
 * await Deno.remove(home, { recursive: true });
 * if (loaded?.key !== "k") throw new Error("unexpected");
 * ```
 */
export async function loadMonitorState(home: string, server: string): Promise<MonitorState | null> {
  const path = monitorPath(home, server);
  const text = await readIfExists(path);
  if (text === null) return null;
  let state;
  try {
    state = JSON.parse(text) as Partial<MonitorState>;
  } catch (cause) {
    throw new CliError(`Cannot read monitor progress ${path}: it is not JSON`, { cause });
  }
  const { key, size, peaks, chains, problems } = state;
  if (
    typeof key !== "string" || !Number.isSafeInteger(size) || !Array.isArray(peaks) ||
    typeof chains !== "object" || chains === null || !Array.isArray(problems)
  ) {
    throw new CliError(`Cannot read monitor progress ${path}: remove it to start over`);
  }
  return state as MonitorState;
}

/**
 * Keeps a server's monitor progress.
 *
 * @param home the kez home
 * @param server the server's base URL
 * @param state the progress
 * @throws {Deno.errors.PermissionDenied} and other file-system errors
 *
 * @example
 * ```ts
 * import { monitorPath, saveMonitorState } from "./monitor_files.ts";
 * const home = await Deno.makeTempDir();
 * await saveMonitorState(home, "http://a", { key: "k", size: 0, peaks: [], chains: {}, problems: [] });
 * const text = await Deno.readTextFile(monitorPath(home, "http://a"));
 * await Deno.remove(home, { recursive: true });
 * if (!text.startsWith('{"key":"k"')) throw new Error(text);
 * ```
 */
export async function saveMonitorState(
  home: string,
  server: string,
  state: MonitorState,
): Promise<void> {
  await writeCreating(monitorPath(home, server), JSON.stringify(state) + "\n");
}
