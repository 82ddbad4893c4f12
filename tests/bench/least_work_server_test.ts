import assert from "node:assert/strict";
import { ChainWriter } from "./load/events.ts";
import { leastWork } from "./load/least_work_server.ts";
import { ed25519Signer } from "./load/signers.ts";

Deno.test("leastWork()", async (t) => {
  const encoder = new TextEncoder();

  await t.step("answers the 201 the real server gives: the event's seq and hash", async () => {
    const writer = new ChainWriter(ed25519Signer());
    for (const event of [writer.next(), writer.next()]) {
      const res = leastWork(encoder.encode(event.line));
      assert.equal(res.status, 201);
      assert.deepEqual(await res.json(), { seq: event.seq, hash: event.hash });
    }
  });

  await t.step("refuses a signature that does not verify", async () => {
    const event = new ChainWriter(ed25519Signer()).next();
    const envelope = JSON.parse(event.line);
    const sig: string = envelope.signature.sig;
    envelope.signature.sig = (sig[0] === "0" ? "1" : "0") + sig.slice(1);
    const res = leastWork(encoder.encode(JSON.stringify(envelope)));
    assert.equal(res.status, 400);
    await res.body?.cancel();
  });
});
