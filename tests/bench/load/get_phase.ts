/**
 * The GET figures: chains of 10 events seeded over HTTP, then wrk on
 * `GET …/head` and `GET …` (the whole chain), rotating over the chains, and
 * the same wrk runs against a bare server answering bodies of the same sizes.
 *
 * @module
 */

import { ChainAuthor } from "../../support/chain_author.ts";
import { subjectOf } from "./events.ts";
import { startBareServer } from "./servers.ts";
import type { Server } from "./servers.ts";
import { runWrk, writeRotationScript, type WrkResult } from "./wrk.ts";

/** Events per chain that the GET figures read. */
export const GET_CHAIN_EVENTS = 10;

/** How long wrk runs. */
export interface WrkTiming {
  /** The measured run, seconds. */
  readonly seconds: number;
  /** An unmeasured run before it, so the server's JIT is warm, seconds (0 for none). */
  readonly warmSeconds: number;
  /** wrk `-c`. */
  readonly connections: number;
}

/** The size and type of the answers of one route, the same for every chain. */
export interface Shape {
  /** The body's byte size. */
  readonly bytes: number;
  /** Its `Content-Type`. */
  readonly type: string;
  /**
   * The answer's other headers, as `name: value` lines (one answer's values),
   * leaving out those `Deno.serve` adds itself (`Content-Length`, `Date`).
   */
  readonly headers: readonly string[];
}

/** The request headers the real server reads on a GET: the request id and `If-None-Match`. */
const READ_HEADERS = ["x-request-id", "if-none-match"];

/** Headers every bare answer has too, or that `Deno.serve` sets by itself. */
const BARE_HEADERS = new Set(["content-type", "content-length", "date"]);

/** Seeded chains and what creating them answered. */
export interface Seeded {
  /** The chains' paths, `/v1/sigchains/{scheme}/{id}`. */
  readonly paths: string[];
  /** The byte size of a `201` body, for the bare POST server. */
  readonly createdBytes: number;
}

/**
 * Seeds chains of {@linkcode GET_CHAIN_EVENTS} Ed25519 events over HTTP,
 * signed with the test suite's `ChainAuthor`.
 *
 * @param base the server
 * @param chains how many
 * @returns their paths
 * @throws {Error} on any answer but `201`
 */
export async function seedOverHttp(base: string, chains: number): Promise<Seeded> {
  const paths: string[] = [];
  let createdBytes = 0;
  for (let c = 0; c < chains; c++) {
    const author = new ChainAuthor("ed25519-sha512-jcs");
    const path = `/v1/sigchains/${author.path}`;
    for (let seq = 0; seq < GET_CHAIN_EVENTS; seq++) {
      const res = await fetch(`${base}${path}/events`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(author.next("add", subjectOf(seq))),
      });
      const text = await res.text();
      if (res.status !== 201) throw new Error(`seeding ${path}: ${res.status} ${text}`);
      createdBytes = new TextEncoder().encode(text).length;
    }
    paths.push(path);
  }
  return { paths, createdBytes };
}

/**
 * GETs every path once and checks that all answer 200 with one size and type.
 *
 * @param base the server
 * @param paths the paths
 * @returns their common shape
 * @throws {Error} on another status, or answers of different sizes
 */
export async function shapeOf(base: string, paths: readonly string[]): Promise<Shape> {
  const shapes = new Set<string>();
  let shape: Shape | undefined;
  for (const path of paths) {
    const res = await fetch(base + path);
    const bytes = (await res.arrayBuffer()).byteLength;
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
    const headers = [...res.headers].filter(([name]) => !BARE_HEADERS.has(name))
      .map(([name, value]) => `${name}: ${value}`);
    shape = { bytes, type: res.headers.get("content-type") ?? "", headers };
    shapes.add(`${shape.bytes} ${shape.type}`);
  }
  if (shape === undefined || shapes.size !== 1) {
    throw new Error(`answers differ in size or type: ${[...shapes].join(", ")}`);
  }
  return shape;
}

/**
 * One wrk measurement with `-t1`, after a warm-up run.
 *
 * @param server the server
 * @param script the rotation script
 * @param timing durations and connections
 * @param threads wrk `-t`
 * @returns wrk's figures
 */
export async function measureGet(
  server: Server,
  script: string,
  timing: WrkTiming,
  threads = 1,
): Promise<WrkResult> {
  const common = { base: server.base, script, threads, connections: timing.connections };
  if (timing.warmSeconds > 0) await runWrk({ ...common, seconds: timing.warmSeconds });
  return await runWrk({ ...common, seconds: timing.seconds, serverPid: server.child.pid });
}

/** The GET figures of one server. */
export interface GetFigures {
  /** `GET …/head`. */
  readonly head: WrkResult;
  /** `GET …/head` again, after its limits: with `head`, on both sides of them in time. */
  readonly headAgain: WrkResult;
  /** `GET …` (10-event chain). */
  readonly chain: WrkResult;
  /** `GET …` again, after its limits. */
  readonly chainAgain: WrkResult;
  /** The head answer's size and type. */
  readonly headShape: Shape;
  /** The chain answer's size and type. */
  readonly chainShape: Shape;
}

/** A GET route. */
export type Route = "head" | "chain";

/**
 * Called right after a route's figure, so its limit can be measured next,
 * seconds later rather than minutes, on a machine whose speed drifts.
 */
export type AfterGet = (route: Route, shape: Shape, script: string) => Promise<void>;

/**
 * Measures both GET routes of the real server, rotating over the chains:
 * each route, then its limits (`after`), then the route again, so that a
 * drift of the machine's speed weighs on the figure's mean as on its limits.
 *
 * @param server the real server
 * @param paths the chains' paths
 * @param dir where to write the wrk scripts
 * @param timing durations and connections
 * @param after called after each route's figure
 * @returns the figures
 */
export async function measureServerGets(
  server: Server,
  paths: readonly string[],
  dir: string,
  timing: WrkTiming,
  after?: AfterGet,
): Promise<GetFigures> {
  const headPaths = paths.map((p) => `${p}/head`);
  const headShape = await shapeOf(server.base, headPaths);
  const chainShape = await shapeOf(server.base, paths);
  const headScript = await writeRotationScript(`${dir}/get-head.lua`, headPaths);
  const chainScript = await writeRotationScript(`${dir}/get-chain.lua`, paths);
  const head = await measureGet(server, headScript, timing);
  await after?.("head", headShape, headScript);
  const headAgain = await measureGet(server, headScript, timing);
  const chain = await measureGet(server, chainScript, timing);
  await after?.("chain", chainShape, chainScript);
  const chainAgain = await measureGet(server, chainScript, timing);
  return { head, headAgain, chain, chainAgain, headShape, chainShape };
}

/** The bare server's figures for the same shapes. */
export interface BareGetFigures {
  /** Same size and type as the head answer. */
  readonly head: WrkResult;
  /** Same size and type as the chain answer. */
  readonly chain: WrkResult;
  /** The head shape again with wrk `-t2`, to show wrk `-t1` was not the limit. */
  readonly headTwoThreads?: WrkResult;
  /** Same size, type and other headers as the head answer: the target's limit. */
  readonly headSent: WrkResult;
  /** Same size, type and other headers as the chain answer: the target's limit. */
  readonly chainSent: WrkResult;
  /** As `headSent`, also reading the request headers the real server reads. */
  readonly headHeaded: WrkResult;
  /** As `chainSent`, also reading the request headers the real server reads. */
  readonly chainHeaded: WrkResult;
}

/** The bare server's figures for one shape. */
export interface BareGet {
  /** With the body's `Content-Type` alone. */
  readonly one: WrkResult;
  /** The same with wrk `-t2`, when asked. */
  readonly two?: WrkResult;
  /** With the real answer's other headers too: the same bytes and the same headers sent. */
  readonly sent: WrkResult;
  /** As `sent`, also reading the request headers the real server reads. */
  readonly headed: WrkResult;
}

/**
 * Measures the bare server for one shape with the same wrk parameters and
 * script (it answers every path alike, so the rotation costs wrk the same):
 * with the body's type alone; with the real answer's other headers too (the
 * same bytes and headers sent, the GET target's limit); and also reading the
 * request headers the real server reads, which shows what the HTTP work the
 * spec asks for costs by itself.
 *
 * @param shape the real answer's size, type and headers
 * @param script the real run's wrk script
 * @param timing durations and connections
 * @param twoThreadCheck also run the plain one with wrk `-t2`
 * @returns the figures
 */
export async function measureBareGet(
  shape: Shape,
  script: string,
  timing: WrkTiming,
  twoThreadCheck: boolean,
): Promise<BareGet> {
  const bare = await startBareServer(shape.bytes, shape.type);
  let one: WrkResult;
  let two: WrkResult | undefined;
  try {
    one = await measureGet(bare, script, timing);
    if (twoThreadCheck) two = await measureGet(bare, script, timing, 2);
  } finally {
    await bare.child.stop();
  }
  const sent = await measureBare(shape, script, timing, []);
  const headed = await measureBare(shape, script, timing, READ_HEADERS);
  const result = { one, sent, headed };
  return two === undefined ? result : { ...result, two };
}

/** One run of the bare server answering the real answer's headers, reading `read` first. */
async function measureBare(
  shape: Shape,
  script: string,
  timing: WrkTiming,
  read: readonly string[],
): Promise<WrkResult> {
  const bare = await startBareServer(shape.bytes, shape.type, 200, shape.headers, read);
  try {
    return await measureGet(bare, script, timing);
  } finally {
    await bare.child.stop();
  }
}
