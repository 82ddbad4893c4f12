import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { makeDurable, WAL_AUTOCHECKPOINT_PAGES } from "../../lib/store/durable_connection.ts";

function pragma(db: DatabaseSync, name: string): unknown {
  return Object.values(db.prepare(`PRAGMA ${name}`).get()!)[0];
}

Deno.test("makeDurable() sets a connection up to commit durably", async (t) => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/k.db`;
  const db = new DatabaseSync(path);
  try {
    makeDurable(db, 1234);

    await t.step("WAL, every commit fsynced, the busy timeout given", () => {
      assert.equal(pragma(db, "journal_mode"), "wal");
      assert.equal(pragma(db, "synchronous"), 2);
      assert.equal(pragma(db, "busy_timeout"), 1234);
      assert.equal(pragma(db, "wal_autocheckpoint"), WAL_AUTOCHECKPOINT_PAGES);
    });

    await t.step("the WAL is not copied back before its pages reach the limit", () => {
      db.exec("CREATE TABLE t (v BLOB)");
      const insert = db.prepare("INSERT INTO t VALUES (?)");
      // 1,500 commits of a row of about a page: two to three WAL pages each, far past SQLite's
      // default interval of 1,000 pages and short of this one.
      for (let i = 0; i < 1_500; i++) insert.run(new Uint8Array(3_000));
      const pageSize = pragma(db, "page_size") as number;
      assert.ok(Deno.statSync(`${path}-wal`).size > 1_500 * pageSize, "the WAL kept growing");
      assert.ok(Deno.statSync(path).size < 100 * pageSize, "nothing copied back yet");
    });
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});
