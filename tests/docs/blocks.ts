/**
 * Test support for the docs check: the fenced blocks of a Markdown page, each classified by the
 * convention of `tests/docs/docs_test.ts` (a `console` block is compared, an `sh` block must exit
 * 0, a `<!-- docs-test: … -->` line before a fence says how else it is held to the code).
 *
 * @module
 */

/** The languages of shell blocks; every other fence names a language that is not run. */
export const SHELL = ["sh", "bash", "console"] as const;

/** The languages that are not shell and so are not run, each for a reason the test header gives. */
export const NOT_SHELL = ["ts", "json", "sql", "ini", "text", "toml"] as const;

/** How a block is held to the code. */
export type Kind =
  | { readonly kind: "console" }
  | { readonly kind: "sh"; readonly standIns: readonly string[] }
  | { readonly kind: "serve" }
  | { readonly kind: "ci" }
  | { readonly kind: "run-by"; readonly files: readonly string[] }
  | { readonly kind: "not-shell" };

/** One fenced block of a page. */
export interface Block {
  /** The page's path from the repository's root. */
  readonly page: string;
  /** The 1-based line of its opening fence. */
  readonly line: number;
  /** The fence's language. */
  readonly lang: string;
  /** Its text, without the fences. */
  readonly body: string;
  /** How it is run or checked. */
  readonly kind: Kind;
}

/** A page and its blocks. */
export interface Page {
  /** The page's path from the repository's root. */
  readonly path: string;
  /** `<!-- docs-test: after PAGE -->`: the page whose session this one continues. */
  readonly after: string | null;
  /** Every fenced block, in order. */
  readonly blocks: readonly Block[];
}

const MARKER = /^<!-- docs-test: (.*) -->$/;

function kindOf(page: string, line: number, lang: string, marker: string | null): Kind {
  const where = `${page}:${line}`;
  if ((SHELL as readonly string[]).includes(lang)) {
    if (marker === null) {
      return lang === "console" ? { kind: "console" } : { kind: "sh", standIns: [] };
    }
    if (marker === "serve" || marker === "ci") return { kind: marker };
    const runBy = /^run-by (.+)$/.exec(marker);
    if (runBy) return { kind: "run-by", files: runBy[1]!.split(/\s+/) };
    const standIn = /^stand-in (.+)$/.exec(marker);
    if (standIn && lang !== "console") return { kind: "sh", standIns: standIn[1]!.split(/\s+/) };
    throw new Error(`${where}: unknown docs-test marker "${marker}"`);
  }
  if ((NOT_SHELL as readonly string[]).includes(lang)) {
    if (marker !== null) throw new Error(`${where}: a docs-test marker on a ${lang} block`);
    return { kind: "not-shell" };
  }
  throw new Error(
    `${where}: a fence must name one of ${[...SHELL, ...NOT_SHELL].join(", ")}, not "${lang}"`,
  );
}

/**
 * Reads a page's fenced blocks and classifies each.
 *
 * @param path the page's path from the repository's root
 * @param text the page's Markdown
 * @returns the page
 * @throws {Error} naming the line, for a fence of an unknown language, an unknown marker, a
 *   marker that is not right above a fence, or an unclosed fence
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const fence = "`".repeat(3);
 * const page = parsePage("x.md", `<!-- docs-test: ci -->\n${fence}sh\nnpx task test\n${fence}\n`);
 * assert.deepEqual(page.blocks.map((b) => b.kind.kind), ["ci"]);
 * ```
 */
export function parsePage(path: string, text: string): Page {
  const lines = text.split("\n");
  const blocks: Block[] = [];
  let after: string | null = null;
  let marker: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const m = MARKER.exec(line);
    if (m) {
      const after_ = /^after (\S+)$/.exec(m[1]!);
      if (after_) {
        after = after_[1]!;
        continue;
      }
      marker = m[1]!;
      let next = i + 1;
      while (lines[next] === "") next++;
      if (!lines[next]?.startsWith("```")) {
        throw new Error(`${path}:${i + 1}: a docs-test marker must come right before a fence`);
      }
      continue;
    }
    const fence = /^```(\S*)/.exec(line);
    if (!fence) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== "```"; i++) body.push(lines[i]!);
    if (i === lines.length) throw new Error(`${path}:${start + 1}: unclosed fence`);
    const lang = fence[1]!;
    blocks.push({
      page: path,
      line: start + 1,
      lang,
      body: body.join("\n"),
      kind: kindOf(path, start + 1, lang, marker),
    });
    marker = null;
  }
  return { path, after, blocks };
}

/** One command of a `console` block and what it prints. */
export interface ConsoleStep {
  /** The command, after `$ `. */
  readonly command: string;
  /** Its output as the page shows it. */
  readonly expected: string;
}

/**
 * Splits a `console` block into its commands (`$ ` lines) and their outputs.
 *
 * @param body the block's text
 * @returns the commands in order
 * @throws {Error} when the block does not start with a command
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(consoleSteps("$ echo a\na\n$ true"), [
 *   { command: "echo a", expected: "a" },
 *   { command: "true", expected: "" },
 * ]);
 * ```
 */
export function consoleSteps(body: string): ConsoleStep[] {
  const lines = body.split("\n");
  if (!lines[0]?.startsWith("$ ")) throw new Error(`a console block starts with "$ ": ${lines[0]}`);
  const steps: ConsoleStep[] = [];
  for (let i = 0; i < lines.length;) {
    const command = lines[i++]!.slice(2);
    const expected: string[] = [];
    while (i < lines.length && !lines[i]!.startsWith("$ ")) expected.push(lines[i++]!);
    steps.push({ command, expected: expected.join("\n") });
  }
  return steps;
}

/**
 * Whether an output matches what a page shows: line by line, exactly, except that `…` in a line
 * of the page stands for any text (the visible mask for what differs per run).
 *
 * @param actual what the command printed
 * @param expected what the page shows
 * @returns true when they match
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.ok(outputMatches("date: Thu, 03 Dec 2026\nok\n", "date: …\nok"));
 * assert.ok(!outputMatches("ok\nmore", "ok"));
 * ```
 */
export function outputMatches(actual: string, expected: string): boolean {
  const norm = (s: string) => s.replaceAll("\r", "").replace(/\n+$/, "").split("\n");
  const a = norm(actual);
  const e = norm(expected);
  if (a.length !== e.length) return false;
  return e.every((line, i) => {
    if (!line.includes("…")) return line === a[i];
    const pattern = line.split("…").map((p) => p.replaceAll(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*");
    return new RegExp(`^${pattern}$`).test(a[i]!);
  });
}
