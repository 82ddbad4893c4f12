import assert from "node:assert/strict";
import { Appender } from "../../lib/append/mod.ts";
import { witnessedRoutes } from "../../lib/http/mod.ts";
import { KezError, parsePrimary, toChainEvent } from "../../lib/protocol/mod.ts";
import { SqliteStore, type WitnessedNote } from "../../lib/store/mod.ts";
import { parseTlogProof } from "../../lib/tlog/mod.ts";
import { ChainAuthor } from "../support/chain_author.ts";

Deno.test("witnessed tlog-proofs prove in the witnessed checkpoint, or say it lacks the event", async (t) => {
  const store = SqliteStore.open(":memory:", {
    log: { origin: "example.com/log", seed: new Uint8Array(32).fill(9) },
  });
  try {
    const author = new ChainAuthor();
    const appender = new Appender(store);
    await appender.append(toChainEvent(author.next("add", "github:a")));
    await appender.append(toChainEvent(author.next("add", "github:b")));
    let witnessed: WitnessedNote | null = null;
    const [, eventRoute, headRoute] = witnessedRoutes(
      () => Promise.resolve(witnessed),
      store,
      store.log!,
    );
    const { scheme, id } = parsePrimary(author.primary);
    const ask = async (route: typeof headRoute, params: Record<string, string>) =>
      await route!.handler({ req: new Request("http://x/"), params, search: "", headers: [] });

    await t.step("no witnessed checkpoint yet: not_found", async () => {
      await assert.rejects(
        ask(headRoute, { scheme, id }),
        (e: unknown) =>
          e instanceof KezError && e.code === "not_found" &&
          /not in the checkpoint yet \(size 0\)/.test(e.message),
      );
    });
    await t.step("a witnessed checkpoint of size 1 holds seq 0, not seq 1", async () => {
      assert.equal(store.log!.checkpoint().size, 2);
      // The route serves the witnessed note as it is read; its cosignatures are the policy's affair.
      witnessed = { size: 1, note: "a note of size 1\n" };
      const proof = parseTlogProof(await (await ask(eventRoute, { scheme, id, seq: "0" })).text());
      assert.equal(proof.index, 0);
      assert.equal(proof.checkpoint, "a note of size 1\n");
      await assert.rejects(
        ask(eventRoute, { scheme, id, seq: "1" }),
        (e: unknown) =>
          e instanceof KezError && e.code === "not_found" &&
          /log index 1\) is not in the checkpoint yet \(size 1\)/.test(e.message),
      );
    });
  } finally {
    await store.close();
  }
});
