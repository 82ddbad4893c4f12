import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { StoredCounts } from "../../lib/store/mod.ts";
import { SqliteStore } from "../../lib/store/mod.ts";

/** Inserts rows straight into the table: the counts read rows, not their contents. */
function insertRows(db: string, name: string, chains: number, perChain: number, from = 0) {
  const conn = new DatabaseSync(db);
  const insert = conn.prepare(
    `INSERT INTO sigchain_events VALUES ('ed25519', ?, ?, '{}', 'sha256:x', '2026-01-01T00:00:00Z')`,
  );
  conn.exec("BEGIN");
  for (let c = 0; c < chains; c++) {
    for (let seq = from; seq < from + perChain; seq++) insert.run(`${name}${c}`, seq);
  }
  conn.exec("COMMIT");
  conn.close();
}

Deno.test("StoredCounts counts every row once, then only new ones", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "kez-counts-" });
  const db = `${dir}/chains.db`;
  await SqliteStore.open(db).close();
  try {
    await t.step("rows over several pages", async () => {
      insertRows(db, "a", 3, 4000);
      const counts = new StoredCounts(db, { maxAgeMs: 0 });
      const first = await counts.read();
      assert.equal(first.events, 12_000);
      assert.equal(first.chains, 3);
      assert.ok(first.databaseBytes > 0);
      insertRows(db, "a", 3, 10, 4000);
      insertRows(db, "b", 1, 11);
      const second = await counts.read();
      assert.equal(second.events, 12_041, "new rows of old chains, and a new chain");
      assert.equal(second.chains, 4);
      counts.close();
    });
    await t.step("counts are reused within their maximum age", async () => {
      const counts = new StoredCounts(db, { maxAgeMs: 60_000 });
      const before = (await counts.read()).events;
      insertRows(db, "a", 1, 5, 5000);
      assert.equal((await counts.read()).events, before);
      counts.close();
    });
    await t.step("concurrent reads share one count", async () => {
      const counts = new StoredCounts(db, { maxAgeMs: 0 });
      const [x, y] = await Promise.all([counts.read(), counts.read()]);
      assert.equal(x.events, y.events);
      counts.close();
    });
    await t.step("a file that is not a database is an error", async () => {
      const counts = new StoredCounts(`${dir}/missing.db`);
      await assert.rejects(counts.read(), /Cannot open database/);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
