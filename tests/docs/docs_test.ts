// Every shell block of README.md and docs/*.md, run as a reader would run it. The convention
// (also in ARCHITECTURE.md, "Docs that run"):
//
// - A page is one session, run in order in a fresh environment (tests/docs/session.ts): a scratch
//   copy of the checkout as the working directory, a new HOME (so a new KEZ_HOME), `kez` and
//   `kez-sig-server` on PATH as shims that run kez.ts and main.ts, variables and functions kept
//   from block to block as in one shell. `<!-- docs-test: after PAGE -->` makes a page continue
//   PAGE's session (docs/api.md goes on with the README's first chain).
// - Substitutions, in commands and in expected output alike: the port 7878 is a free port of the
//   session (where its server listens) and 7879 one where nothing listens; the absolute
//   directories /tmp, /var/lib, /etc, /data, /backups and /usr/local/bin are directories under the
//   session's root; `postgres://kez@db.internal/NAME` is a database of a throwaway cluster
//   (tests/support/postgres.ts; without PostgreSQL such a page is ignored, unless
//   KEZ_REQUIRE_POSTGRES=1). KEZ_BIND is 0.0.0.0 at the session's port, so that the defaults
//   stand for 0.0.0.0:7878. DENORT_BIN is the running deno, as dl.deno.land cannot be reached.
// - ```console: each `$ ` line runs; what it prints (standard output and error, as a terminal
//   shows them) must match the lines below it exactly, except that `…` in a line of the page
//   matches any text. That visible `…` is the one mask, for what differs per run: dates, request
//   ids, keys, hashes and signatures of fresh keys, timings, sizes.
// - ```sh and ```bash: the block runs under `set -e -o pipefail` and must exit 0.
// - A `<!-- docs-test: … -->` line before a fence (blank lines aside) says otherwise:
//   - `serve`: each line is a server, started in the background; it must answer /v1/healthz on
//     the session's port, and stop on SIGTERM at the end of the session.
//   - `ci`: each command runs the whole suite or CI itself, so it must be a line of .ci/run.
//   - `run-by FILE…`: the block is run by those tests; each must exist and name this page, or
//     pass each command's subcommand as a string (`"migrate"`). The docs/postgresql.md migrate
//     block is one: it needs a SQLite file with a log and an empty database, which
//     tests/store/pg_migrate_test.ts makes.
//   - `stand-in PATH…` (on an sh block): the block runs, then each PATH it built is replaced by
//     the shim of its name, since a binary compiled against DENORT_BIN cannot run.
// - What cannot run here runs against stand-ins on PATH (tests/docs/stand_in.ts): `docker` (no
//   engine here), `fly` (no Fly.io) and `systemctl` (no systemd as PID 1) check what they can of
//   the Dockerfile, fly.toml and the units and run the server as each would; `sudo` runs its
//   command.
// - Fences of other languages (ts, json, sql, ini, text, toml) are not shell and are not run:
//   ts blocks are library examples (`ignore`d, they need a server at a fixed address), the others
//   are data. Any other language, an unknown marker or a block left over fails the test.

import assert from "node:assert/strict";
import { join } from "node:path";
import { type Block, consoleSteps, outputMatches, type Page, parsePage, SHELL } from "./blocks.ts";
import { ROOT, Session } from "./session.ts";
import { postgresTest } from "../support/postgres.ts";

function pages(): Page[] {
  const docs = [...Deno.readDirSync(join(ROOT, "docs"))].map((e) => e.name)
    .filter((n) => n.endsWith(".md")).sort().map((n) => `docs/${n}`);
  return ["README.md", ...docs].map((p) => parsePage(p, Deno.readTextFileSync(join(ROOT, p))));
}

/** The pages in sessions: each page that continues no other, followed by those continuing it. */
function sessions(all: Page[]): Page[][] {
  const byPath = new Map(all.map((p) => [p.path, p]));
  for (const page of all) {
    if (page.after !== null) {
      assert.ok(byPath.has(page.after), `${page.path} continues ${page.after}, which is no page`);
    }
  }
  const chain = (page: Page): Page[] => [
    page,
    ...all.filter((p) => p.after === page.path).flatMap(chain),
  ];
  return all.filter((p) => p.after === null).map(chain);
}

/** The commands of an sh block, less comments and blank lines. */
function commands(body: string): string[] {
  return body.split("\n").map((l) => l.replace(/(^|\s)#.*$/, "").trim()).filter((l) => l !== "");
}

function title(block: Block): string {
  const first = block.body.split("\n").find((l) => l.trim() !== "" && !l.startsWith("#")) ?? "";
  return `${block.page}:${block.line} ${block.lang}: ${first.slice(0, 80)}`;
}

async function runBlock(session: Session, block: Block): Promise<void> {
  const kind = block.kind;
  switch (kind.kind) {
    case "console":
      for (const step of consoleSteps(block.body)) {
        const run = await session.run(session.substitute(step.command), false);
        const expected = session.substitute(step.expected);
        assert.ok(
          outputMatches(run.output, expected),
          `$ ${step.command}\n--- printed:\n${run.output}\n--- the page shows:\n${expected}`,
        );
      }
      return;
    case "sh": {
      const run = await session.run(session.substitute(block.body), true);
      assert.equal(run.code, 0, `exit ${run.code}:\n${run.output}`);
      for (const path of kind.standIns) {
        const name = path.split("/").at(-1)!;
        await Deno.copyFile(join(session.dir, "bin", name), join(session.cwd, path));
      }
      return;
    }
    case "serve":
      for (const command of commands(block.body)) await session.serve(session.substitute(command));
      return;
    case "ci": {
      const ci = Deno.readTextFileSync(join(ROOT, ".ci/run")).split("\n").map((l) => l.trim());
      for (const command of commands(block.body)) {
        assert.ok(ci.includes(command), `.ci/run has no line "${command}"`);
      }
      return;
    }
    case "run-by":
      for (const file of kind.files) {
        const text = Deno.readTextFileSync(join(ROOT, file));
        const subcommands = commands(block.body).map((c) => `"${c.split(/\s+/)[1]}"`);
        assert.ok(
          text.includes(block.page) || subcommands.every((s) => text.includes(s)),
          `${file} neither names ${block.page} nor runs ${subcommands.join(", ")}`,
        );
      }
      return;
    case "not-shell":
      return;
  }
}

async function runSession(t: Deno.TestContext, session: Session, chain: Page[]): Promise<void> {
  for (const page of chain) {
    let held = 0;
    for (const block of page.blocks) {
      if (block.kind.kind === "not-shell") continue;
      const ok = await t.step(title(block), () => runBlock(session, block));
      if (ok) held++;
    }
    const shell = page.blocks.filter((b) => (SHELL as readonly string[]).includes(b.lang));
    assert.equal(held, shell.length, `${page.path}: ${held} of ${shell.length} shell blocks held`);
  }
}

const POSTGRES = /postgres:\/\/kez@db\.internal\/([a-z_]+)/g;

/**
 * Programs that some pages use beyond Node.js and npm: where one is missing, those pages are
 * ignored, saying which, so that the Quick start's test command still runs on a fresh machine;
 * .ci/run installs them, and under CI a missing one fails.
 */
const TOOLS = ["sqlite3", "openssl", "curl"];

function missingTools(text: string): string[] {
  return TOOLS.filter((tool) =>
    new RegExp(`(^|[\\s(;&|])${tool}\\s`, "m").test(text) &&
    new Deno.Command("sh", { args: ["-c", `command -v ${tool}`], stdout: "null" }).outputSync()
        .code !== 0
  );
}

for (const chain of sessions(pages())) {
  const name = `docs: the shell blocks of ${chain.map((p) => p.path).join(", ")} run as written`;
  const text = chain.map((p) => p.blocks.map((b) => b.body).join("\n")).join("\n");
  const databases = [...new Set([...text.matchAll(POSTGRES)].map((m) => m[1]!))];
  const shell = chain.flatMap((p) => p.blocks).filter((b) => b.kind.kind !== "not-shell");
  if (shell.length === 0) continue;
  const missing = missingTools(text);
  if (missing.length > 0 && Deno.env.get("CI") !== "true") {
    console.warn(`${name}: ignored, as ${missing.join(", ")} is not installed`);
    Deno.test({ name, ignore: true, fn: () => {} });
    continue;
  }
  if (databases.length === 0) {
    Deno.test(name, async (t) => {
      await using session = await Session.open();
      await runSession(t, session, chain);
    });
    continue;
  }
  postgresTest(name, async (t, cluster) => {
    const urls = new Map<string, string>();
    for (const db of databases) urls.set(db, await cluster.createDatabase(db));
    await using session = await Session.open(
      {},
      (s) => s.replaceAll(POSTGRES, (_, db) => urls.get(db)!),
    );
    await runSession(t, session, chain);
  });
}
