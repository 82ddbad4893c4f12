import assert from "node:assert/strict";
import {
  type CosignatureRecord,
  PgCosignatureRecord,
  SqliteCosignatureRecord,
} from "../../lib/store/mod.ts";
import { postgresTest } from "../support/postgres.ts";
import { withDir } from "../support/temp_dir.ts";

async function keepsWhatItIsTold(a: CosignatureRecord, b: CosignatureRecord): Promise<void> {
  assert.equal(await a.cosignedSize("w+00000000+AA=="), 0);
  await a.setCosignedSize("w+00000000+AA==", 7);
  await a.setCosignedSize("w+00000000+AA==", 9);
  assert.equal(await b.cosignedSize("w+00000000+AA=="), 9);
  assert.equal(await b.witnessed(), null);
  await a.saveWitnessed({ size: 9, note: "nine" });
  await b.saveWitnessed({ size: 3, note: "three" });
  assert.deepEqual(await a.witnessed(), { size: 9, note: "nine" });
}

Deno.test("SqliteCosignatureRecord", async (t) => {
  await t.step("keeps sizes and the largest witnessed checkpoint across connections", async () => {
    await withDir(async (dir) => {
      const a = SqliteCosignatureRecord.open(`${dir}/log.db`);
      const b = SqliteCosignatureRecord.open(`${dir}/log.db`);
      try {
        await keepsWhatItIsTold(a, b);
        assert.ok(await a.lead());
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
});

postgresTest("PgCosignatureRecord", async (t, cluster) => {
  const url = await cluster.createDatabase("witnessing");
  const a = await PgCosignatureRecord.open(url);
  const b = await PgCosignatureRecord.open(url);
  try {
    await t.step("keeps sizes and the largest witnessed checkpoint for every server", async () => {
      await keepsWhatItIsTold(a, b);
    });
    await t.step("one server leads at a time, and another takes over when it goes", async () => {
      assert.equal(await a.lead(), true);
      assert.equal(await a.lead(), true);
      assert.equal(await b.lead(), false);
      await a.close();
      assert.equal(await b.lead(), true);
    });
  } finally {
    await b.close();
  }
});
