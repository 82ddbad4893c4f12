import assert from "node:assert/strict";
import {
  fromHex,
  type JsonObject,
  type JsonValue,
  KezError,
  parseEnvelope,
  parseJsonText,
  verifyEd25519Async,
  verifyEventSignature,
  verifyEventSignatureAsync,
} from "../../lib/protocol/mod.ts";

interface WycheproofFile {
  testGroups: {
    publicKey: { pk: string };
    tests: { tcId: number; comment: string; msg: string; sig: string; result: string }[];
  }[];
}

Deno.test("verifyEd25519Async() agrees with every Wycheproof vector", async (t) => {
  const url = new URL("../testdata/wycheproof/ed25519_test.json", import.meta.url);
  const file: WycheproofFile = JSON.parse(await Deno.readTextFile(url));
  for (const group of file.testGroups) {
    for (const v of group.tests) {
      await t.step(`tcId ${v.tcId} (${v.result}): ${v.comment}`, async () => {
        const ok = await verifyEd25519Async(
          fromHex(group.publicKey.pk),
          fromHex(v.msg),
          fromHex(v.sig),
        );
        assert.equal(ok, v.result === "valid");
      });
    }
  }
});

Deno.test("verifyEventSignatureAsync() answers as verifyEventSignature() on the KEZ vectors", async (t) => {
  const url = new URL("../testdata/kez/append.json", import.meta.url);
  const cases = parseJsonText(await Deno.readTextFile(url)) as JsonObject[];
  for (const c of cases) {
    let envelope;
    try {
      envelope = parseEnvelope(c.event as JsonValue);
    } catch {
      continue; // structurally invalid: no signature to check
    }
    const env = envelope;
    await t.step(String(c.name), async () => {
      let sync: string | null = null;
      try {
        verifyEventSignature(env);
      } catch (e) {
        assert.ok(e instanceof KezError);
        sync = e.code;
      }
      const async = await verifyEventSignatureAsync(env);
      assert.equal(async?.code ?? null, sync);
    });
  }
});
