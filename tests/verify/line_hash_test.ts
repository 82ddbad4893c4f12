import assert from "node:assert/strict";
import { hashLine } from "../../lib/protocol/mod.ts";
import { nativeHashLine } from "../../lib/verify/mod.ts";

const VECTORS = JSON.parse(
  Deno.readTextFileSync(new URL("../testdata/kez/events.json", import.meta.url)),
) as { name: string; envelope_jcs: string; hash: string }[];

Deno.test("nativeHashLine() gives the event hash of spec §2", async (t) => {
  for (const v of VECTORS) {
    await t.step(v.name, () => {
      assert.equal(nativeHashLine(v.envelope_jcs), v.hash);
    });
  }

  await t.step("the same hash as hashLine() on text beyond ASCII, as UTF-8", () => {
    for (const line of ["", "{}", '{"s":"é"}', '{"s":"日本"}', '{"s":"😀"}', "x".repeat(70_000)]) {
      assert.equal(nativeHashLine(line), hashLine(line), line.slice(0, 20));
    }
  });
});
