import assert from "node:assert/strict";
import {
  appendEvent,
  type FetchFn,
  generateKey,
  KezClient,
  KezError,
} from "../../lib/client/mod.ts";
import { signEvent } from "../../lib/protocol/mod.ts";
import { withServer } from "../support/test_server.ts";
import { localChain, prefix, recording } from "./chains.ts";

function code(code: string) {
  return (e: unknown) => e instanceof KezError && e.code === code;
}

Deno.test("KezClient against a real server", async (t) => {
  for (const scheme of ["ed25519", "nostr"] as const) {
    await t.step(`${scheme}: post, get the chain and the head`, async () => {
      await withServer(async (s) => {
        const client = new KezClient(s.base + "/");
        const { chain } = localChain(["github:jason", "dns:jason.example"], scheme);
        assert.equal((await client.getChain(chain.primary)).length, 0, "404 is an empty chain");
        assert.equal(await client.getHead(chain.primary), null);
        for (const event of chain.events) {
          assert.deepEqual(await client.postEvent(event.envelope), {
            seq: event.envelope.payload.seq,
            hash: event.hash,
          });
        }
        assert.equal((await client.getChain(chain.primary)).toJsonl(), chain.toJsonl());
        assert.equal((await client.getHead(chain.primary))?.hash, chain.head);
      });
    });
  }
  await t.step("post errors carry the server's code", async () => {
    await withServer(async (s) => {
      const client = new KezClient(s.base);
      const { key, chain } = localChain(["github:jason"]);
      await client.postEvent(chain.events[0]!.envelope);
      await assert.rejects(client.postEvent(chain.events[0]!.envelope), code("conflict"));
      const revoke = signEvent({
        seq: 1,
        prev: chain.head!,
        created_at: "2026-01-01T00:00:00Z",
        op: "revoke",
        subject: "dns:not.active",
      }, key);
      await assert.rejects(client.postEvent(revoke), (e) => {
        assert.ok(code("invalid_op")(e));
        assert.match(
          (e as Error).message,
          /^Cannot post event seq 1: Cannot revoke dns:not\.active/,
        );
        return true;
      });
    });
  });
  await t.step("an unreachable server is unavailable", async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const { port } = listener.addr as Deno.NetAddr;
    listener.close();
    const client = new KezClient(`http://127.0.0.1:${port}`);
    await assert.rejects(client.getHead(localChain([]).chain.primary), code("unavailable"));
  });
  await t.step("an error answer without a spec body gets a code from its status", async () => {
    const proxy: FetchFn = () => Promise.resolve(new Response("<html>", { status: 502 }));
    const client = new KezClient("http://x", { fetch: proxy });
    await assert.rejects(client.getChain(localChain([]).chain.primary), (e) => {
      assert.ok(code("unavailable")(e));
      assert.match((e as Error).message, /server answered 502/);
      return true;
    });
  });
  await t.step("only http(s) servers", () => {
    assert.throws(() => new KezClient("ftp://x"), TypeError);
  });
});

Deno.test("KezClient.publish()", async (t) => {
  await t.step("posts only what the server lacks, in order", async () => {
    await withServer(async (s) => {
      const { fetch, requests } = recording();
      const client = new KezClient(s.base, { fetch });
      const { chain } = localChain(["github:a", "github:b", "github:c"]);
      await client.postEvent(chain.events[0]!.envelope);
      assert.deepEqual(await client.publish(chain), { posted: 2, present: 1 });
      const posts = requests.filter((r) => r.method === "POST");
      assert.equal(posts.length, 3);
      assert.deepEqual(await client.publish(chain), { posted: 0, present: 3 });
    });
  });
  await t.step("refuses a diverged server, naming the seq, and posts nothing", async () => {
    await withServer(async (s) => {
      const client = new KezClient(s.base);
      const { key, chain } = localChain(["github:a"]);
      const other = prefix(chain, 1);
      appendEvent(other, key, "add", "github:other");
      await client.publish(other);
      appendEvent(chain, key, "add", "github:b");
      appendEvent(chain, key, "add", "github:c");
      await assert.rejects(client.publish(chain), (e) => {
        assert.ok(code("conflict")(e));
        assert.match(
          (e as Error).message,
          /^Cannot publish chain: server \S+ holds a different event at seq 1 \(server sha256:/,
        );
        return true;
      });
      assert.equal((await client.getChain(chain.primary)).head, other.head, "nothing posted");
    });
  });
  await t.step("refuses a server that holds more, asking for a pull", async () => {
    await withServer(async (s) => {
      const client = new KezClient(s.base);
      const { chain } = localChain(["github:a", "github:b"]);
      await client.publish(chain);
      await assert.rejects(
        client.publish(prefix(chain, 1)),
        /event at seq 1 that the local chain lacks/,
      );
    });
  });
  await t.step("a 409 from a race with the same events counts them as present", async () => {
    await withServer(async (s) => {
      const { chain } = localChain(["github:a", "github:b"]);
      const other = new KezClient(s.base);
      let raced = false;
      // Another device publishes the same chain between our GET and our first POST.
      const racing: FetchFn = async (input, init) => {
        if (init?.method === "POST" && !raced) {
          raced = true;
          await other.publish(chain);
        }
        return fetch(input, init);
      };
      const client = new KezClient(s.base, { fetch: racing });
      assert.deepEqual(await client.publish(chain), { posted: 0, present: 2 });
    });
  });
});

Deno.test("appendEvent() signs only for the key's own primary", () => {
  for (const scheme of ["ed25519", "nostr"] as const) {
    const chain = localChain([]).chain;
    assert.throws(
      () => appendEvent(chain, generateKey(scheme), "add", "github:a"),
      code("wrong_primary"),
    );
    assert.equal(chain.length, 0);
  }
});
