import assert from "node:assert/strict";
import { KezError } from "../../lib/protocol/mod.ts";
import { LogAlarm, LogVerifier, MemoryLogState } from "../../lib/client/mod.ts";
import { formatVerifierKey } from "../../lib/tlog/mod.ts";
import { ChainAuthor } from "../support/chain_author.ts";
import { postEvent } from "../support/chain_writer.ts";
import { ServerProcess } from "../support/server_process.ts";
import { withDir } from "../support/temp_dir.ts";
import { waitFor } from "../support/wait_for.ts";
import { makeLogKey, policyText, startWitnesses } from "../support/witness_network.ts";

async function write(base: string, author: ChainAuthor, subjects: string[]): Promise<void> {
  for (const subject of subjects) {
    const outcome = await postEvent(base, author.path, JSON.stringify(author.next("add", subject)));
    assert.equal(outcome.kind, "created", JSON.stringify(outcome));
  }
}

function witnessedSize(note: string): number {
  return Number(note.split("\n")[1]);
}

Deno.test("a forked log served by two servers to the same witnesses", async (t) => {
  await withDir(async (dir) => {
    const logKey = await makeLogKey(`${dir}/log.key`);
    await using started = await startWitnesses(dir, logKey, 3);
    const { network } = started;
    const policy = policyText(logKey, network, 2);
    await Deno.writeTextFile(`${dir}/policy.txt`, policy);
    const serve = (db: string, witnessing: boolean) =>
      ServerProcess.start({
        db,
        args: [
          ...["--log-key", `${dir}/log.key`],
          ...(witnessing
            ? ["--witness-policy", `${dir}/policy.txt`, "--witness-interval", "1"]
            : []),
        ],
      });

    // The common prefix, then a copy of the file: two databases of one history so far.
    const alice = new ChainAuthor();
    {
      await using first = await serve(`${dir}/a.db`, false);
      await write(first.base, alice, ["x:1", "x:2"]);
      first.kill("SIGTERM");
      assert.equal((await first.exited(10_000)).code, 0);
    }
    await Deno.copyFile(`${dir}/a.db`, `${dir}/b.db`);

    await using a = await serve(`${dir}/a.db`, true);
    await write(a.base, new ChainAuthor(), ["a:1", "a:2"]);
    let noteA = "";
    await waitFor(async () => {
      const res = await fetch(`${a.base}/v1/log/checkpoint/witnessed`);
      noteA = await res.text();
      return res.status === 200 && witnessedSize(noteA) === 4;
    }, { timeoutMs: 20_000 });

    await using b = await serve(`${dir}/b.db`, true);
    await write(b.base, new ChainAuthor(), ["b:1", "b:2", "b:3"]);

    await t.step("the witnesses refuse the other branch: 409, then 422 for its proof", async () => {
      await waitFor(async () => {
        const metrics = await (await fetch(`${b.base}/metrics`)).text();
        return [0, 1, 2].every((i) =>
          new RegExp(`kez_witness_requests_total\\{witness="W${i}",outcome="failed"\\} [1-9]`)
            .test(metrics) &&
          new RegExp(`kez_witness_requests_total\\{witness="W${i}",outcome="conflict"\\} [1-9]`)
            .test(metrics)
        );
      }, { timeoutMs: 20_000 });
      const metrics = await (await fetch(`${b.base}/metrics`)).text();
      assert.doesNotMatch(metrics, /outcome="cosigned"/);
      assert.equal((await fetch(`${b.base}/v1/log/checkpoint/witnessed`)).status, 404);
      assert.match(b.log, /witnessing: W0 .*422/);
    });

    await t.step(
      "a client requiring the quorum is never shown the other branch as valid",
      async () => {
        const verifier = (state = new MemoryLogState()) =>
          new LogVerifier(state, { policy, witnessWaitMs: 1000 });
        const state = new MemoryLogState();
        for (const base of [a.base, b.base]) {
          await state.writeKey(base, { key: formatVerifierKey(logKey), pinned: true });
        }
        const both = verifier(state);
        const viewA = await both.latest(a.base);
        assert.equal(viewA?.served.checkpoint.size, 4);
        assert.deepEqual(viewA?.cosigners?.map((c) => c.witness), ["W0", "W1", "W2"]);
        await assert.rejects(
          both.latest(b.base),
          (e: Error) => e instanceof KezError && /serves no witnessed checkpoint/.test(e.message),
        );
        // Shown B's log-signed checkpoint after A's witnessed one, it is evidence of a fork.
        const plain = new LogVerifier(state);
        await assert.rejects(plain.latest(b.base), LogAlarm);
        // A client that only ever talks to B is refused as well.
        const onlyB = verifier();
        await assert.rejects(onlyB.latest(b.base), KezError);
      },
    );
  });
});
