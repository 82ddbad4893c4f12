/**
 * The `gist:` channel: a public GitHub gist holding `kez-sigchain.jsonl`,
 * found and written through the GitHub REST API.
 *
 * @module
 */

import { KezError } from "../../protocol/mod.ts";
import { callable, type FetchFn, responseError, send } from "../http.ts";
import type { ChainSource } from "../fetch_chain.ts";
import { getBounded, MAX_CHANNEL_BYTES } from "./bounded_read.ts";
import { CHAIN_FILE } from "./web_channel.ts";

/** The GitHub REST API that gist targets use unless told otherwise. */
export const GITHUB_API = "https://api.github.com";

/** The most bytes of one page of a user's gist listing. */
const MAX_LISTING_BYTES = 4 * 1024 * 1024;

const GITHUB_HEADERS = {
  accept: "application/vnd.github+json",
  "x-github-api-version": "2022-11-28",
};

/** How the gist channel talks to GitHub. */
export interface GistOptions {
  /** The REST API's base URL; {@linkcode GITHUB_API} by default. */
  readonly githubApi?: string | undefined;
  /** The `fetch` to use; `globalThis.fetch` by default. */
  readonly fetch?: FetchFn | undefined;
  /** Aborts the requests. */
  readonly signal?: AbortSignal | undefined;
}

/** The gist that holds a user's chain file. */
export interface ChainGist {
  /** The gist's id. */
  readonly id: string;
  /** Where a person sees it. */
  readonly htmlUrl: string;
  /** Where the file's bytes are. */
  readonly rawUrl: string;
}

/**
 * Checks a GitHub user name (letters, digits and single hyphens, at most 39).
 *
 * @param user the name
 * @returns the name
 * @throws {KezError} `invalid_query` when it cannot be a GitHub user
 *
 * @example
 * ```ts
 * import { gistUser } from "./gist_channel.ts";
 * if (gistUser("jason") !== "jason") throw new Error("unexpected");
 * ```
 */
export function gistUser(user: string): string {
  if (!/^[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}$/.test(user)) {
    throw new KezError("invalid_query", `Invalid gist: user ${JSON.stringify(user)}`);
  }
  return user;
}

function apiBase(options: GistOptions): string {
  return (options.githubApi ?? GITHUB_API).replace(/\/+$/, "");
}

function isHttpUrl(value: unknown): value is string {
  return typeof value === "string" && /^https?:\/\//i.test(value);
}

/**
 * Finds the newest public gist of a user holding `kez-sigchain.jsonl`.
 *
 * @param user the GitHub user
 * @param options the API, `fetch` and signal
 * @returns the gist, or null when no public gist holds the file
 * @throws {KezError} `invalid_json` for a listing not of GitHub's shape; as
 *   {@linkcode getBounded} for the request
 *
 * @example
 * ```ts
 * import { findChainGist } from "./gist_channel.ts";
 * const listing = [{ id: "1", html_url: "https://gist.github.com/1", updated_at: "2026-01-01T00:00:00Z",
 *   files: { "kez-sigchain.jsonl": { raw_url: "https://gist.githubusercontent.com/1/raw" } } }];
 * const fetch = () => Promise.resolve(Response.json(listing));
 * const gist = await findChainGist("jason", { fetch });
 * if (gist?.id !== "1") throw new Error("unexpected");
 * ```
 */
export async function findChainGist(
  user: string,
  options: GistOptions = {},
): Promise<ChainGist | null> {
  const url = `${apiBase(options)}/users/${gistUser(user)}/gists?per_page=100`;
  const text = await getBounded(url, MAX_LISTING_BYTES, { ...options, headers: GITHUB_HEADERS });
  let listing: unknown;
  try {
    listing = JSON.parse(text);
  } catch (cause) {
    throw new KezError("invalid_json", `Cannot read ${url}: the gist listing is not JSON`, {
      cause,
    });
  }
  if (!Array.isArray(listing)) {
    throw new KezError("invalid_json", `Cannot read ${url}: the gist listing is not an array`);
  }
  let best: (ChainGist & { updated: string }) | null = null;
  for (const gist of listing as unknown[]) {
    const g = (gist ?? {}) as Record<string, unknown>;
    const files = (g.files ?? {}) as Record<string, unknown>;
    const file = (Object.hasOwn(files, CHAIN_FILE) ? files[CHAIN_FILE] : null) as
      | Record<string, unknown>
      | null;
    const updated = typeof g.updated_at === "string" ? g.updated_at : "";
    if (typeof g.id !== "string" || !isHttpUrl(file?.raw_url)) continue;
    if (best !== null && best.updated >= updated) continue;
    const htmlUrl = typeof g.html_url === "string" ? g.html_url : "";
    best = { id: g.id, htmlUrl, rawUrl: file.raw_url, updated };
  }
  return best === null ? null : { id: best.id, htmlUrl: best.htmlUrl, rawUrl: best.rawUrl };
}

/**
 * A user's gist as a source of {@linkcode fetchChain}.
 *
 * @param user the GitHub user
 * @param options the API, `fetch`, and the signal used when the fetch gives none
 * @returns the source, named `gist:<user>`; a user without the file is `not_found`
 * @throws {KezError} `invalid_query` for a bad user name
 *
 * @example
 * ```ts
 * import { gistSource } from "./gist_channel.ts";
 * const fetch = () => Promise.resolve(Response.json([]));
 * const source = gistSource("jason", { fetch });
 * const e = source.kind === "reader" ? await source.read().catch((e) => e) : null;
 * if (e?.code !== "not_found") throw new Error("no gist holds the file");
 * ```
 */
export function gistSource(user: string, options: GistOptions = {}): ChainSource {
  gistUser(user);
  return {
    kind: "reader",
    name: `gist:${user}`,
    read: async (signal) => {
      const opts = { ...options, signal: signal ?? options.signal };
      const gist = await findChainGist(user, opts);
      if (gist === null) {
        throw new KezError("not_found", `No public gist of ${user} holds ${CHAIN_FILE}`);
      }
      return await getBounded(gist.rawUrl, MAX_CHANNEL_BYTES, opts);
    },
  };
}

/** What publishing to a gist did. */
export interface GistPublished {
  /** Whether a new gist was made or the existing one was changed. */
  readonly action: "created" | "updated";
  /** The gist's page. */
  readonly url: string;
}

/**
 * Writes the chain file into the user's gist through the REST API: the gist
 * that already holds it, else a new public one.
 *
 * @param user the GitHub user the token belongs to
 * @param jsonl the chain's JSONL
 * @param token a GitHub token allowed to write gists
 * @param options the API, `fetch` and signal
 * @returns what was done and the gist's page
 * @throws {KezError} with the answer's code when GitHub refuses; `unavailable` when unreachable
 *
 * @example
 * ```ts
 * import { publishGist } from "./gist_channel.ts";
 * const fetch = (_url: string, init?: RequestInit) =>
 *   Promise.resolve(init?.method === "POST"
 *     ? Response.json({ html_url: "https://gist.github.com/9" }, { status: 201 })
 *     : Response.json([]));
 * const done = await publishGist("jason", "{}\n", "token", { fetch });
 * if (done.action !== "created" || done.url !== "https://gist.github.com/9") throw new Error("unexpected");
 * ```
 */
export async function publishGist(
  user: string,
  jsonl: string,
  token: string,
  options: GistOptions = {},
): Promise<GistPublished> {
  const existing = await findChainGist(user, options);
  const url = existing === null
    ? `${apiBase(options)}/gists`
    : `${apiBase(options)}/gists/${encodeURIComponent(existing.id)}`;
  const body = existing === null
    ? { description: "KEZ sigchain", public: true, files: { [CHAIN_FILE]: { content: jsonl } } }
    : { files: { [CHAIN_FILE]: { content: jsonl } } };
  const init: RequestInit = {
    method: existing === null ? "POST" : "PATCH",
    headers: { ...GITHUB_HEADERS, authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  };
  if (options.signal !== undefined) init.signal = options.signal;
  const res = await send(callable(options.fetch), url, init);
  const action = existing === null ? "created" : "updated";
  if (!res.ok) throw await responseError(res, `Cannot write gist of ${user}`);
  const answer = await res.json().catch(() => ({})) as { html_url?: unknown };
  return {
    action,
    url: typeof answer.html_url === "string" ? answer.html_url : existing?.htmlUrl ?? url,
  };
}
