/**
 * One real server process on one database, measured whole: start it, GET
 * figures, POST figures, its memory, then stop it and read its log for
 * trouble.
 *
 * @module
 */

import {
  type AfterGet,
  type GetFigures,
  measureServerGets,
  seedOverHttp,
  type WrkTiming,
} from "./get_phase.ts";
import { measureServerPosts, type PostFigures, type Workloads } from "./post_phase.ts";
import { memoryOf } from "./proc.ts";
import { type Server, spawnRealServer, waitReady } from "./servers.ts";

/** What to do with the server. */
export interface ServerRunOptions {
  /** The database file (prepared by the caller). */
  readonly db: string;
  /** A scratch directory (log, wrk scripts). */
  readonly dir: string;
  /** A label for file names. */
  readonly label: string;
  /** Chains to GET: paths of chains with 10 events, or a count to seed over HTTP. */
  readonly getChains: readonly string[] | number;
  /** What to POST. */
  readonly workloads: Workloads;
  /** wrk's timing. */
  readonly wrk: WrkTiming;
  /** The cap on each POST run, seconds. */
  readonly postSeconds: number;
  /** Runs after each GET figure, with the server up but idle: its limit goes here. */
  readonly afterGet?: AfterGet;
  /**
   * Runs between the GET and the POST figures, with the server up but idle:
   * the POST limits go here, next to the figures they limit.
   */
  readonly between?: () => Promise<void>;
  /** Progress lines go here. */
  readonly log: (line: string) => void;
}

/** What the server's log shows. */
export interface LogSummary {
  /** Lines in all. */
  readonly lines: number;
  /** Lines at ERROR or WARN level, the first few. */
  readonly problems: readonly string[];
  /** How many lines at ERROR or WARN level. */
  readonly problemCount: number;
  /** Request lines by status, for statuses other than 200 and 201. */
  readonly otherStatuses: ReadonlyMap<string, number>;
}

/** Everything measured on one server. */
export interface ServerRun {
  /** Milliseconds from spawn to the first answered healthz. */
  readonly readyMs: number;
  /** VmRSS once ready, MB. */
  readonly startRssMb: number;
  /** VmHWM after the GET figures, MB. */
  readonly peakAfterGetsMb: number;
  /** VmHWM after all the load, MB. */
  readonly peakRssMb: number;
  /** The GET figures. */
  readonly gets: GetFigures;
  /** The paths the GET figures rotated over. */
  readonly getPaths: readonly string[];
  /** The size of a `201` body (0 when nothing was seeded over HTTP). */
  readonly createdBytes: number;
  /** The POST figures. */
  readonly posts: PostFigures;
  /** The server's log. */
  readonly log: LogSummary;
}

/**
 * Starts the server, measures it, and stops it (also on failure).
 *
 * @param o what to do
 * @returns the figures
 */
export async function measureServer(o: ServerRunOptions): Promise<ServerRun> {
  // Measured from before the spawn, so it includes loading Deno and the modules.
  const logFile = `${o.dir}/${o.label}-server.log`;
  const server = spawnRealServer(o.db, logFile);
  try {
    const readyMs = await waitReady(server, 300_000);
    const startRssMb = memoryOf(server.child.pid).rssMb;
    o.log(`${o.label}: server ready in ${readyMs.toFixed(0)} ms, ${startRssMb.toFixed(0)} MB`);
    let getPaths: readonly string[];
    let createdBytes = 0;
    if (typeof o.getChains === "number") {
      const seeded = await seedOverHttp(server.base, o.getChains);
      getPaths = seeded.paths;
      createdBytes = seeded.createdBytes;
    } else {
      getPaths = o.getChains;
    }
    o.log(`${o.label}: GET`);
    const gets = await measureServerGets(server, getPaths, o.dir, o.wrk, o.afterGet);
    await ensureAlive(server, "the GET figures");
    const peakAfterGetsMb = memoryOf(server.child.pid).peakMb;
    await o.between?.();
    o.log(`${o.label}: POST`);
    const posts = await measureServerPosts(server, o.workloads, o.postSeconds);
    await ensureAlive(server, "the POST figures");
    const peakRssMb = memoryOf(server.child.pid).peakMb;
    await server.child.stop(10_000);
    const log = await summarizeLog(logFile);
    return {
      readyMs,
      startRssMb,
      peakAfterGetsMb,
      peakRssMb,
      gets,
      getPaths,
      createdBytes,
      posts,
      log,
    };
  } finally {
    await server.child.stop();
  }
}

/** A server measured on POSTs alone. */
export interface PostsOnlyOptions {
  /** The database file (prepared by the caller). */
  readonly db: string;
  /** A scratch directory (the log). */
  readonly dir: string;
  /** A label for file names. */
  readonly label: string;
  /** More flags for the server. */
  readonly args: string[];
  /** What to POST. */
  readonly workloads: Workloads;
  /** The cap on each POST run, seconds. */
  readonly postSeconds: number;
}

/** The POST figures of a server measured on POSTs alone, and its memory. */
export interface PostsOnlyRun extends PostFigures {
  /** VmHWM after the load, MB. */
  readonly peakRssMb: number;
}

/**
 * Starts the server with some flags, measures only its POST figures, and
 * stops it: for comparing two settings side by side in one run.
 *
 * @param o what to do
 * @returns the POST figures and the server's peak memory
 */
export async function measurePostsOnly(o: PostsOnlyOptions): Promise<PostsOnlyRun> {
  const server = spawnRealServer(o.db, `${o.dir}/${o.label}-server.log`, o.args);
  try {
    await waitReady(server, 300_000);
    const posts = await measureServerPosts(server, o.workloads, o.postSeconds);
    await ensureAlive(server, "the POST figures");
    return { ...posts, peakRssMb: memoryOf(server.child.pid).peakMb };
  } finally {
    await server.child.stop();
  }
}

/** Fails with the log's tail if the server died. */
async function ensureAlive(server: Server, during: string): Promise<void> {
  if (!server.child.exited) return;
  const status = await server.child.status;
  const tail = server.logFile === undefined
    ? ""
    : (await Deno.readTextFile(server.logFile).catch(() => "")).slice(-3000);
  throw new Error(`the server exited (code ${status.code}) during ${during}:\n${tail}`);
}

/**
 * Reads a server log for ERROR and WARN lines and unusual statuses.
 *
 * @param file the log
 * @returns the summary
 */
export async function summarizeLog(file: string): Promise<LogSummary> {
  const text = await Deno.readTextFile(file);
  const lines = text.split("\n").filter((l) => l !== "");
  const problems = lines.filter((l) => /\b(ERROR|WARN)\b/.test(l));
  const otherStatuses = new Map<string, number>();
  for (const line of lines) {
    const status = / (?:GET|HEAD|POST|OPTIONS|PUT|DELETE|PATCH) \S+ (\d{3})\b/.exec(line)?.[1];
    if (status !== undefined && status !== "200" && status !== "201") {
      otherStatuses.set(status, (otherStatuses.get(status) ?? 0) + 1);
    }
  }
  return {
    lines: lines.length,
    problems: problems.slice(0, 5),
    problemCount: problems.length,
    otherStatuses,
  };
}
