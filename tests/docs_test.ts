// The shell sessions of the README and docs/, run as written against a fresh server: every
// `console` block whose commands are `sign` (the README's signing function) and `curl`, in the
// order the pages give them, must print what the page shows. A `date:` or `x-request-id:` line
// matches by its name alone; blocks about the log's key and metrics, which differ per server,
// are not run. The README's first chain is deterministic (a fixed key and time), so its hashes
// must match too.

import assert from "node:assert/strict";
import { ServerProcess } from "./support/server_process.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const PAGES = ["README.md", "docs/api.md"];

interface Step {
  readonly page: string;
  readonly command: string;
  readonly expected: string;
}

/** The README's `sh` block that defines `sign` and `CHAIN`. */
function setupBlock(readme: string): string {
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!)
    .find((b) => b.includes("sign() {"));
  assert.ok(block, "the README defines sign()");
  return block;
}

function runnable(commands: string[]): boolean {
  return commands.every((c) => /^(sign|curl) /.test(c) && !/\/v1\/log\/|\/metrics/.test(c));
}

function steps(page: string, text: string): Step[] {
  const out: Step[] = [];
  for (const [, body] of text.matchAll(/```console\n([\s\S]*?)```/g)) {
    const lines = body!.replace(/\n$/, "").split("\n");
    const block: Step[] = [];
    for (let i = 0; i < lines.length;) {
      const command = lines[i++]!.slice(2);
      const expected: string[] = [];
      while (i < lines.length && !lines[i]!.startsWith("$ ")) expected.push(lines[i++]!);
      block.push({ page, command, expected: expected.join("\n") });
    }
    if (runnable(block.map((s) => s.command))) out.push(...block);
  }
  return out;
}

/** An answer's lines with the ones that differ per request cut to their names. */
function masked(text: string): string {
  return text.replaceAll("\r", "").replace(/\n+$/, "")
    .replaceAll(/^(date|x-request-id): .*$/gm, "$1:");
}

Deno.test("docs: the shell sessions of the README and docs/ print what they show", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "kez-docs-" });
  try {
    await using server = await ServerProcess.start({ db: `${dir}/chains.db` });
    const host = new URL(server.base).host;
    const readme = Deno.readTextFileSync(`${ROOT}README.md`);
    const setup = setupBlock(readme).replaceAll("127.0.0.1:7878", host);
    const all = PAGES.flatMap((page) => steps(page, Deno.readTextFileSync(`${ROOT}${page}`)));
    assert.ok(all.length >= 10, `${all.length} commands found`);
    for (const step of all) {
      await t.step(`${step.page}: ${step.command.slice(0, 90)}`, async () => {
        const command = step.command.replaceAll("127.0.0.1:7878", host)
          .replaceAll("/tmp/event.json", `${dir}/event.json`);
        const run = await new Deno.Command("bash", {
          args: ["-c", `${setup}\n${command}`],
          cwd: ROOT,
          stdout: "piped",
          stderr: "piped",
        }).output();
        const stdout = new TextDecoder().decode(run.stdout);
        assert.equal(masked(stdout), masked(step.expected), new TextDecoder().decode(run.stderr));
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
