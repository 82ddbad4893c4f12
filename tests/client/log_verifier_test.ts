import assert from "node:assert/strict";
import {
  type FetchFn,
  KezClient,
  LogAlarm,
  LogVerifier,
  MemoryLogState,
} from "../../lib/client/mod.ts";
import { withServer } from "../support/test_server.ts";
import { localChain } from "./chains.ts";
import { withLog } from "./kez_support.ts";

Deno.test("LogVerifier against a real server", async (t) => {
  await withServer(async (server) => {
    const state = new MemoryLogState();
    const warnings: string[] = [];
    const verifier = new LogVerifier(state, { onWarning: (w) => warnings.push(w) });
    const client = new KezClient(server.base, { log: verifier });
    const { chain } = localChain(["github:a", "github:b", "github:c"]);
    /** A cache in front of the server, answering a stale checkpoint; and the larger one kept. */
    let behind: { cached: FetchFn; stale: string; larger: string | null } | undefined;

    await t.step("publish checks the log before and after, and posts answer an index", async () => {
      assert.deepEqual(await client.publish(chain), { posted: 3, present: 0 });
      assert.equal(warnings.length, 1, "trusted on first use, once");
      const log = await verifier.trustedLog(server.base);
      assert.equal(log?.pinned, false);
      const kept = await state.readCheckpoint(log!.key);
      assert.equal(kept, (await server.request("GET", "/v1/log/checkpoint")).text);
      const { chain: next } = localChain(["github:d"]);
      assert.equal((await client.postEvent(next.events[0]!.envelope)).index, 3);
    });
    await t.step("a stale checkpoint is fine when the server proves it a prefix", async () => {
      const stale = (await server.request("GET", "/v1/log/checkpoint")).text;
      const { chain: more } = localChain(["github:e", "github:f"]);
      for (const event of more.events) await client.postEvent(event.envelope);
      await new KezClient(server.base, { log: verifier }).getChain(more.primary);
      const log = (await verifier.trustedLog(server.base))!;
      const larger = await state.readCheckpoint(log.key);
      // A cache in front of the server answers the old checkpoint.
      const cached: FetchFn = (url, init) =>
        url.endsWith("/v1/log/checkpoint")
          ? Promise.resolve(new Response(stale))
          : fetch(url, init);
      const behindCache = new LogVerifier(state, { fetch: cached });
      const view = await behindCache.latest(server.base);
      assert.equal(view?.served.note, stale);
      assert.equal(view?.kept.note, larger);
      assert.equal(await state.readCheckpoint(log.key), larger, "the larger stays kept");
      behind = { cached, stale, larger };
    });
    await t.step("a stale checkpoint is an alarm under the refuse policy", async () => {
      const { cached, stale, larger } = behind!;
      const strict = new LogVerifier(state, { fetch: cached, smaller: "refuse" });
      await assert.rejects(strict.latest(server.base), (e) => {
        assert.ok(e instanceof LogAlarm);
        assert.match(
          e.message,
          /: the served checkpoint of size 4 is smaller than the kept one of size 6$/,
        );
        assert.deepEqual(e.evidence.map((x) => x.text), [larger, stale]);
        return true;
      });
      const log = (await verifier.trustedLog(server.base))!;
      assert.equal(await state.readCheckpoint(log.key), larger, "the larger stays kept");
    });
    await t.step("a head the log does not hold is an alarm", async () => {
      // A server answering another chain's proof: it does not lead to this head.
      const { chain: other } = localChain(["github:g"]);
      await client.postEvent(other.events[0]!.envelope);
      const path = other.primary.replace(":", "/");
      const wrongProof: FetchFn = (url, init) =>
        url.endsWith("/events/2/proof")
          ? fetch(`${server.base}/v1/sigchains/${path}/events/0/proof`, init)
          : fetch(url, init);
      const lying = new KezClient(server.base, {
        log: new LogVerifier(state, { fetch: wrongProof }),
        fetch: wrongProof,
      });
      await assert.rejects(lying.getChain(chain.primary), (e) => {
        assert.ok(e instanceof LogAlarm);
        assert.equal(
          e.message,
          `Cannot verify inclusion of ${chain.primary} seq 2 in the log of ${server.base}: ` +
            "The audit path does not lead from leaf 6 to the checkpoint's root",
        );
        assert.deepEqual(e.evidence.map((x) => x.name.split(" (")[0]), [
          "kept checkpoint",
          "served proof",
          "served event",
        ]);
        return true;
      });
    });
  }, withLog());
});
