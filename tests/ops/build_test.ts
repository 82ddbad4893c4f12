// The real build steps, run as far as this machine allows: `deno task compile`, and the
// Dockerfile's build stage (its COPY lines into a fresh directory, then its RUN script), each
// with a cold Deno cache so that the type check runs as on a fresh clone or in a fresh image.
// Without the network, `deno compile` stops where it downloads the runtime (denort); with
// DENORT_BIN pointing at any executable it writes the binary, whose metadata shows the flags
// the binary will run with.

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { withDir } from "../support/temp_dir.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

/** The V8 flags of `deno task start`: the runtime's, which the binary must run with too. */
function startV8Flags(): string[] {
  const start = JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json"))).tasks.start as string;
  const flag = start.split(/\s+/).find((w) => w.startsWith("--v8-flags="));
  assert.ok(flag, start);
  return flag.slice("--v8-flags=".length).split(",");
}

/** A Deno cache with the npm packages this project locks and nothing else: no type-check cache. */
async function coldCache(dir: string): Promise<string> {
  const info = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdout: "piped",
  })
    .output();
  const { npmCache } = JSON.parse(decode(info.stdout)) as { npmCache: string };
  const cache = join(dir, "deno-dir");
  await copy(npmCache, join(cache, "npm"));
  return cache;
}

async function copy(from: string, to: string): Promise<void> {
  const info = await Deno.stat(from);
  if (!info.isDirectory) {
    await Deno.mkdir(dirname(to), { recursive: true });
    await Deno.copyFile(from, to);
    return;
  }
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    await copy(join(from, entry.name), join(to, entry.name));
  }
}

/** The Dockerfile's build stage: its COPY instructions (sources, destination) and its RUN commands. */
function buildStage(): { copies: [string[], string][]; runs: string[]; workdir: string } {
  const lines = Deno.readTextFileSync(join(ROOT, "Dockerfile")).replaceAll(/\\\n/g, " ").split("\n")
    .map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
  const froms = lines.flatMap((l, i) => l.startsWith("FROM ") ? [i] : []);
  const stage = lines.slice(froms[0]! + 1, froms[1]);
  const args = (keyword: string) =>
    stage.filter((l) => l.startsWith(`${keyword} `)).map((l) => l.slice(keyword.length + 1).trim());
  return {
    copies: args("COPY").map((a) => {
      const words = a.split(/\s+/);
      return [words.slice(0, -1), words.at(-1)!];
    }),
    runs: args("RUN"),
    workdir: args("WORKDIR")[0]!,
  };
}

/** Copies the build context as the build stage's COPY lines do. */
async function copyContext(copies: [string[], string][], into: string): Promise<void> {
  for (const [sources, dest] of copies) {
    for (const source of sources) {
      const from = join(ROOT, source);
      const isDir = (await Deno.stat(from)).isDirectory;
      // Docker: a directory's contents go into the destination; a file into it when it ends in /.
      const to = isDir || !dest.endsWith("/")
        ? join(into, dest)
        : join(into, dest, source.split("/").at(-1)!);
      await copy(from, to);
    }
  }
}

interface Run {
  code: number;
  log: string;
}

async function run(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<Run> {
  const out = await new Deno.Command(command, {
    args,
    cwd,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(240_000),
  }).output();
  return { code: out.code, log: decode(out.stdout) + decode(out.stderr) };
}

/** Asserts a build type-checked and got to the runtime's download, or finished. */
function assertPastTypeCheck({ code, log }: Run): void {
  assert.doesNotMatch(log, /out of memory/i, log);
  assert.notEqual(code, 133, log);
  assert.match(log, /Check .*main\.ts/, "it type-checks");
  assert.match(log, /Compile .*main\.ts to /, `it got past type checking:\n${log}`);
  if (code !== 0) {
    // This machine cannot reach dl.deno.land: that, and only that, may fail it.
    assert.match(log, /dl\.deno\.land\/release\/v[\d.]+\/denort-/, log);
  }
}

/** The binary's metadata: `deno compile` appends it as JSON, with the flags it will run with. */
async function metadata(binary: string): Promise<{ v8_flags: string[]; text: string }> {
  const text = new TextDecoder("latin1").decode(await Deno.readFile(binary));
  const m = /"v8_flags":(\[[^\]]*\])/.exec(text);
  assert.ok(m, "the binary holds deno compile's metadata");
  return { v8_flags: JSON.parse(m[1]!), text };
}

Deno.test({
  name: "build: deno task compile and the Dockerfile's build stage, from a cold cache",
  sanitizeResources: false,
  fn: async (t) => {
    const { copies, runs, workdir } = buildStage();

    await t.step(
      "deno task compile type-checks, then compiles up to the runtime's download",
      async () => {
        await withDir(async (dir) => {
          const src = join(dir, "src");
          await copyContext(copies, src);
          const result = await run(Deno.execPath(), ["task", "compile"], src, {
            DENO_DIR: await coldCache(dir),
          });
          assertPastTypeCheck(result);
        });
      },
    );

    await t.step("the Dockerfile runs its build script, which runs deno task compile", () => {
      assert.equal(workdir, "/src");
      const script = runs.find((r) => r.startsWith("deploy/build.sh "));
      assert.ok(script, runs.join("\n"));
      assert.match(script, /^deploy\/build\.sh \/out\b/);
      // Docker sends only what .dockerignore lets through: deploy/ is out, but for the script.
      const ignore = Deno.readTextFileSync(join(ROOT, ".dockerignore")).split("\n").map((l) =>
        l.trim()
      );
      if (ignore.includes("deploy")) {
        assert.ok(ignore.includes("!deploy/build.sh"), ".dockerignore");
      }
      const text = Deno.readTextFileSync(join(ROOT, "deploy/build.sh"));
      assert.match(text, /^deno install --frozen --entrypoint main\.ts$/m);
      assert.match(text, /^deno task compile$/m);
    });

    await t.step(
      "the build script, outside Docker, builds the binary with the runtime's flags",
      async () => {
        await withDir(async (dir) => {
          const src = join(dir, "src");
          const out = join(dir, "out");
          await copyContext(copies, src);
          const cache = await coldCache(dir);
          const offline = await run(join(src, "deploy/build.sh"), [out], src, { DENO_DIR: cache });
          assertPastTypeCheck(offline);
          // Any executable serves as the base binary: the metadata appended to it is the point.
          const built = await run(join(src, "deploy/build.sh"), [out], src, {
            DENO_DIR: cache,
            DENORT_BIN: Deno.execPath(),
          });
          assert.equal(built.code, 0, built.log);
          const { v8_flags, text } = await metadata(join(out, "kez-sig-server"));
          for (const flag of startV8Flags()) {
            assert.ok(v8_flags.includes(flag), `${flag} in ${v8_flags}`);
          }
          for (const worker of ["verify_worker.ts", "writer_worker.ts"]) {
            assert.ok(text.includes(worker), `${worker} is compiled in`);
          }
        });
      },
    );
  },
});
