// The layers of ARCHITECTURE.md, checked on the source: imports only run downward, the
// protocol core stays pure, and all SQL lives in lib/store.

import assert from "node:assert/strict";

const LIB = new URL("../lib/", import.meta.url);

/**
 * Each folder's layer: a folder may import only folders of a lower layer. Folders of one layer
 * are peers and import none of each other.
 */
const LAYER: Readonly<Record<string, number>> = {
  protocol: 0,
  runtime: 0,
  log: 0,
  tlog: 1,
  verify: 2,
  store: 2,
  client: 2,
  config: 3,
  append: 3,
  ops: 4,
  mirror: 4,
  witness: 4,
  http: 5,
  cli: 5,
};

function* sources(dir: URL): Generator<URL> {
  for (const entry of Deno.readDirSync(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* sources(url);
    else if (entry.name.endsWith(".ts")) yield url;
  }
}

/** The `lib/` folder of a file, and the folders it imports. */
function importsOf(file: URL): { folder: string; imported: Set<string>; text: string } {
  const path = file.pathname.slice(LIB.pathname.length);
  const folder = path.split("/")[0]!;
  const text = Deno.readTextFileSync(file);
  const imported = new Set<string>();
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)) {
    const spec = m[1]!;
    if (!spec.startsWith(".")) continue;
    const target = new URL(spec, file).pathname;
    if (!target.startsWith(LIB.pathname)) continue;
    imported.add(target.slice(LIB.pathname.length).split("/")[0]!);
  }
  return { folder, imported, text };
}

Deno.test("lib/ imports only run downward", async (t) => {
  const files = [...sources(LIB)];
  await t.step("every folder of lib/ has a layer", () => {
    const folders = new Set(files.map((f) => importsOf(f).folder));
    for (const folder of folders) assert.ok(folder in LAYER, `${folder} is in LAYER`);
  });
  for (const file of files) {
    const { folder, imported } = importsOf(file);
    const others = [...imported].filter((f) => f !== folder);
    if (others.length === 0) continue;
    await t.step(file.pathname.slice(LIB.pathname.length), () => {
      for (const other of others) {
        assert.ok(
          (LAYER[other] ?? Infinity) < LAYER[folder]!,
          `lib/${folder} (layer ${LAYER[folder]}) imports lib/${other} (layer ${LAYER[other]})`,
        );
      }
    });
  }
});

Deno.test("lib/protocol is pure: no Deno, no node:, no I/O", async (t) => {
  for (const file of sources(new URL("protocol/", LIB))) {
    await t.step(file.pathname.slice(LIB.pathname.length), () => {
      const code = Deno.readTextFileSync(file)
        // Examples in doc comments may use anything: they are not the module's code.
        .replaceAll(/\/\*\*[\s\S]*?\*\//g, "");
      assert.doesNotMatch(code, /\bDeno\./);
      assert.doesNotMatch(code, /from\s+"node:/);
      assert.doesNotMatch(code, /\bfetch\(/);
    });
  }
});

/** SQL as statements spell it; comments are cut first, so prose about SQL does not count. */
const SQL =
  /\b(SELECT\s[\s\S]{0,200}?\bFROM\b|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET|CREATE\s+(TABLE|INDEX)|PRAGMA\s+\w+)/;

Deno.test("all SQL lives in lib/store", async (t) => {
  for (const file of sources(LIB)) {
    const { folder, text } = importsOf(file);
    if (folder === "store") continue;
    await t.step(file.pathname.slice(LIB.pathname.length), () => {
      const code = text.replaceAll(/\/\*[\s\S]*?\*\//g, "").replaceAll(/\/\/.*$/gm, "");
      assert.doesNotMatch(code, SQL);
      assert.doesNotMatch(code, /from\s+"node:sqlite"/);
    });
  }
});

/** The modules a program loads when it runs: its code imports, not its type-only ones. */
function loadedModules(entry: string): Set<string> {
  const out = new Deno.Command(Deno.execPath(), { args: ["info", "--json", entry] }).outputSync();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    roots: string[];
    redirects: Record<string, string>;
    modules: { specifier: string; dependencies?: { code?: { specifier: string } }[] }[];
  };
  const resolve = (s: string) => info.redirects[s] ?? s;
  const imports = new Map(info.modules.map((m) => [
    m.specifier,
    (m.dependencies ?? []).flatMap((d) => d.code === undefined ? [] : [resolve(d.code.specifier)]),
  ]));
  const loaded = new Set([resolve(info.roots[0]!)]);
  for (const module of loaded) for (const next of imports.get(module) ?? []) loaded.add(next);
  return loaded;
}

Deno.test("the server loads none of the client's channels", () => {
  // Each module's source stays in the serving isolate's heap: nostr-tools
  // came with its own copy of noble, about 1 MB that a server never runs.
  const loaded = [...loadedModules(new URL("../main.ts", import.meta.url).href)];
  assert.ok(loaded.some((s) => s.includes("/lib/mirror/follower.ts")), "the graph was read");
  assert.deepEqual(loaded.filter((s) => s.includes("nostr-tools")), []);
  assert.deepEqual(loaded.filter((s) => s.endsWith("/lib/client/mod.ts")), []);
});
