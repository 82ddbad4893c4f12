import assert from "node:assert/strict";
import { appendEvent, type FetchFn, KezClient } from "../../lib/client/mod.ts";
import { withServer } from "../support/test_server.ts";
import { localChain, prefix, recording } from "./chains.ts";

Deno.test("KezClient.getChain() with a verified prefix asks only for what is newer", async (t) => {
  await withServer(async (s) => {
    const { key, chain } = localChain(["github:a", "github:b", "github:c"]);
    await new KezClient(s.base).publish(chain);
    const since = prefix(chain, 2);

    await t.step("?after= overlaps one event and If-None-Match names the head", async () => {
      const { fetch, requests } = recording();
      const got = await new KezClient(s.base, { fetch }).getChain(chain.primary, { since });
      assert.equal(got.toJsonl(), chain.toJsonl());
      assert.equal(since.length, 2, "since is not changed");
      assert.equal(requests.length, 1);
      assert.equal(requests[0]!.url.searchParams.get("after"), "0");
      assert.equal(requests[0]!.headers.get("if-none-match"), `"${since.head}"`);
    });
    await t.step("an unchanged chain is a 304 that returns `since` itself", async () => {
      const { fetch, requests } = recording();
      const current = prefix(chain, 3);
      assert.equal(
        await new KezClient(s.base, { fetch }).getChain(chain.primary, { since: current }),
        current,
      );
      assert.equal(requests.length, 1);
    });
    await t.step("without conditional GETs, the overlap still proves the head", async () => {
      const { fetch, requests } = recording();
      const client = new KezClient(s.base, { fetch, conditional: false });
      const got = await client.getChain(chain.primary, { since: prefix(chain, 3) });
      assert.equal(got.head, chain.head);
      assert.equal(requests.length, 1);
      assert.equal(requests[0]!.headers.get("if-none-match"), null);
    });
    await t.step("a server without `after` (400 invalid_query) gets a plain GET", async () => {
      const old: FetchFn = (input, init) =>
        new URL(input).searchParams.has("after")
          ? Promise.resolve(
            Response.json({ error: { code: "invalid_query", message: "no" } }, { status: 400 }),
          )
          : fetch(input, init);
      const { fetch: f, requests } = recording(old);
      const got = await new KezClient(s.base, { fetch: f }).getChain(chain.primary, { since });
      assert.equal(got.head, chain.head);
      assert.deepEqual(requests.map((r) => r.url.search), ["?after=0", ""]);
    });
    await t.step("a server that ignores `after` and serves it all is handled", async () => {
      const ignoring: FetchFn = (input, init) => fetch(input.replace(/\?.*$/, ""), init);
      const got = await new KezClient(s.base, { fetch: ignoring }).getChain(chain.primary, {
        since,
      });
      assert.equal(got.head, chain.head);
    });
    await t.step("a server that no longer holds our head is read whole", async () => {
      const local = prefix(chain, 2);
      appendEvent(local, key, "add", "github:elsewhere");
      const got = await new KezClient(s.base).getChain(chain.primary, { since: local });
      assert.equal(got.head, chain.head, "the server's chain, for the caller to compare");
    });
  });
});
