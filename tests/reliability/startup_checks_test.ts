// Start-up checks of the real server binary: a file it must not use is refused with exit code 2
// and a clear message, and is left exactly as it was, with no WAL or shared-memory file beside it.

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

const cases: [name: string, make: (path: string) => void, message: RegExp][] = [
  [
    "a file that is not SQLite",
    (p) => Deno.writeTextFileSync(p, "not a database, but someone's notes\n".repeat(300)),
    /not a database/,
  ],
  ["a sigchain_events table of another shape", (p) => {
    const db = new DatabaseSync(p);
    db.exec("CREATE TABLE sigchain_events (id INTEGER PRIMARY KEY, body TEXT)");
    db.exec("INSERT INTO sigchain_events (body) VALUES ('keep me')");
    db.close();
  }, /sigchain_events/],
  ["a schema version newer than the server's", (p) => {
    const db = new DatabaseSync(p);
    db.exec("PRAGMA user_version = 99");
    db.close();
  }, /schema version 99/],
];

Deno.test("start-up checks: an unusable database is refused, exit 2, file untouched", async (t) => {
  for (const [name, make, message] of cases) {
    await t.step(name, async () => {
      const dir = await Deno.makeTempDir({ prefix: "kez-startup-" });
      try {
        const path = `${dir}/x.db`;
        make(path);
        const before = await Deno.readFile(path);
        const { mtime } = await Deno.stat(path);
        const out = await new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", MAIN, "--bind", "127.0.0.1:0", "--db", path],
          stdout: "null",
          stderr: "piped",
          signal: AbortSignal.timeout(30_000),
        }).output();
        const stderr = new TextDecoder().decode(out.stderr);
        assert.equal(out.code, 2, stderr);
        assert.match(stderr, /Cannot open database/);
        assert.match(stderr, message);
        assert.deepEqual(await Deno.readFile(path), before);
        assert.deepEqual((await Deno.stat(path)).mtime, mtime);
        assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["x.db"]);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
  }
});
