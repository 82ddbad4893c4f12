import postgres from "postgres";
import { postgresTest } from "../support/postgres.ts";

postgresTest(
  "PostgreSQL fixture: a throwaway cluster that is removed afterwards",
  async (t, cluster) => {
    await t.step("it serves a new database, fsync and synchronous_commit on", async () => {
      const url = await cluster.createDatabase("fixture");
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      try {
        const [row] = await sql`SELECT current_setting('fsync') AS fsync,
        current_setting('synchronous_commit') AS sc`;
        if (row?.fsync !== "on" || row?.sc !== "on") throw new Error(JSON.stringify(row));
      } finally {
        await sql.end({ timeout: 1 });
      }
    });
    await t.step("paused, it refuses connections; resumed, it serves again", async () => {
      await cluster.pause();
      const sql = postgres(cluster.url, { max: 1, connect_timeout: 2, onnotice: () => {} });
      try {
        const refused = await sql`SELECT 1`.then(() => false, () => true);
        if (!refused) throw new Error("a paused cluster answered");
        await cluster.resume();
        await sql`SELECT 1`;
      } finally {
        await sql.end({ timeout: 1 });
      }
    });
  },
);
