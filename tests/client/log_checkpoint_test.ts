import assert from "node:assert/strict";
import { ed25519 } from "@noble/curves/ed25519.js";
import {
  CheckpointChecker,
  KezClient,
  KezError,
  LogAlarm,
  LogApi,
  MemoryLogState,
  type SmallerCheckpointPolicy,
  type TrustedLog,
} from "../../lib/client/mod.ts";
import { leafHash, parseVerifierKey, signCheckpoint, verifierKey } from "../../lib/tlog/mod.ts";
import { withServer } from "../support/test_server.ts";
import { localChain } from "./chains.ts";
import { deadServer, TEST_ORIGIN, withLog } from "./kez_support.ts";

const POLICIES: readonly SmallerCheckpointPolicy[] = ["prove", "refuse"];

Deno.test("CheckpointChecker against a real server, under each policy for a smaller checkpoint", async (t) => {
  const seed = crypto.getRandomValues(new Uint8Array(32));
  await withServer(async (server) => {
    // The server's checkpoints at sizes 1, 2 and 3, each posted event one batch.
    const client = new KezClient(server.base);
    const { chain } = localChain(["github:a", "github:b", "github:c"]);
    const notes = new Map<number, string>();
    for (const [i, event] of chain.events.entries()) {
      assert.equal((await client.postEvent(event.envelope)).index, i);
      notes.set(i + 1, (await server.request("GET", "/v1/log/checkpoint")).text);
    }
    const real = (size: number) => ({ name: `checkpoint ${size}`, text: notes.get(size)! });
    // What the log's key signs but the log does not hold: a server caught lying.
    const forged = (size: number) => ({
      name: `forged checkpoint ${size}`,
      text: signCheckpoint(
        { origin: TEST_ORIGIN, size, root: leafHash(new Uint8Array([size, 0xff])) },
        seed,
      ),
    });
    const key = parseVerifierKey((await server.request("GET", "/v1/log/key")).text.trim());
    const log: TrustedLog = { api: new LogApi(server.base), key, pinned: true };
    /** A checker whose store keeps the checkpoint of that size already. */
    const keeping = async (size: number | null, smaller: SmallerCheckpointPolicy) => {
      const pins = new MemoryLogState();
      if (size !== null) await pins.writeCheckpoint(key, notes.get(size)!);
      return { pins, checker: new CheckpointChecker(pins, { smaller }) };
    };
    /** Asserts an alarm naming the failure, with the kept and the served checkpoint as evidence. */
    const alarm = (why: string, kept: string, served: string, at = log) => (e: unknown) => {
      assert.ok(e instanceof LogAlarm, String(e));
      assert.equal(e.message, `Cannot verify checkpoint of ${at.api.server}: ${why}`);
      assert.equal(e.code, "conflict");
      assert.deepEqual(e.evidence.map((x) => x.text), [kept, served]);
      return true;
    };

    await t.step(
      "check() takes a first checkpoint as it is, and only keep() keeps it",
      async () => {
        for (const smaller of POLICIES) {
          const { pins, checker } = await keeping(null, smaller);
          const checked = await checker.check(log, real(2));
          assert.equal(checked.kept, null);
          assert.equal(checked.larger, checked.served);
          assert.equal(checked.served.checkpoint.size, 2);
          assert.deepEqual(checked.evidence.map((x) => x.text), ["none", notes.get(2)]);
          assert.equal(await pins.readCheckpoint(key), null, "check() keeps nothing");
          await checker.keep(log, checked);
          assert.equal(await pins.readCheckpoint(key), notes.get(2));
        }
      },
    );

    await t.step(
      "check() accepts a larger checkpoint the server proves, under either policy",
      async () => {
        for (const smaller of POLICIES) {
          const { pins, checker } = await keeping(1, smaller);
          const checked = await checker.check(log, real(3));
          assert.equal(checked.larger, checked.served);
          assert.equal(checked.kept?.note, notes.get(1));
          await checker.keep(log, checked);
          assert.equal(await pins.readCheckpoint(key), notes.get(3));
        }
      },
    );

    await t.step(
      "check() accepts a smaller checkpoint the server proves under the prove policy",
      async () => {
        const { pins, checker } = await keeping(3, "prove");
        const checked = await checker.check(log, real(1));
        assert.equal(checked.served.checkpoint.size, 1);
        assert.equal(checked.larger.note, notes.get(3), "the larger stays the one to keep");
        await checker.keep(log, checked);
        assert.equal(await pins.readCheckpoint(key), notes.get(3));
      },
    );

    await t.step("check() refuses a smaller checkpoint under the refuse policy", async () => {
      const { pins, checker } = await keeping(3, "refuse");
      // A server that cannot be reached: the refusal asks it for no proof.
      const offline: TrustedLog = { ...log, api: new LogApi(deadServer()) };
      await assert.rejects(
        checker.check(offline, real(1)),
        alarm(
          "the served checkpoint of size 1 is smaller than the kept one of size 3",
          notes.get(3)!,
          notes.get(1)!,
          offline,
        ),
      );
      assert.equal(await pins.readCheckpoint(key), notes.get(3));
    });

    await t.step(
      "check() alarms on a smaller checkpoint that is no prefix under the prove policy",
      async () => {
        const { checker } = await keeping(3, "prove");
        const served = forged(1);
        await assert.rejects(
          checker.check(log, served),
          alarm(
            "the tree of size 1 is not a prefix of the tree of size 3: the consistency proof " +
              "does not hold",
            notes.get(3)!,
            served.text,
          ),
        );
      },
    );

    await t.step("check() alarms on a larger checkpoint that the server cannot prove", async () => {
      for (const smaller of POLICIES) {
        const { checker } = await keeping(2, smaller);
        const served = forged(4);
        await assert.rejects(
          checker.check(log, served),
          (e) => {
            assert.ok(e instanceof LogAlarm);
            assert.match(
              e.message,
              /: the server cannot prove that the tree of size 2 is a prefix of the tree of size 4: /,
            );
            return true;
          },
        );
      }
    });

    await t.step("check() alarms on two roots at one size under either policy", async () => {
      for (const smaller of POLICIES) {
        const { checker } = await keeping(3, smaller);
        const served = forged(3);
        await assert.rejects(
          checker.check(log, served),
          alarm(
            "the kept and the served checkpoints both have size 3 but different roots",
            notes.get(3)!,
            served.text,
          ),
        );
      }
    });

    await t.step("check() alarms on a checkpoint the trusted key did not sign", async () => {
      const { checker } = await keeping(null, "refuse");
      const other = verifierKey(TEST_ORIGIN, ed25519.getPublicKey(new Uint8Array(32).fill(9)));
      const trusted: TrustedLog = { ...log, key: other, pinned: false };
      await assert.rejects(checker.check(trusted, real(1)), (e) => {
        assert.ok(e instanceof LogAlarm);
        assert.match(
          e.message,
          /: it does not verify with the trusted \(on first use\) log key \S+: The note has no signature/,
        );
        return true;
      });
    });

    await t.step(
      "check() adds the caller's evidence after the kept and the served checkpoints",
      async () => {
        const { checker } = await keeping(3, "refuse");
        const more = [{ name: "mirror checkpoint", text: "mine\n" }];
        await assert.rejects(checker.check(log, real(2), more), (e) => {
          assert.ok(e instanceof LogAlarm);
          assert.deepEqual(e.evidence.map((x) => x.name), [
            "kept checkpoint (the largest verified before)",
            "checkpoint 2",
            "mirror checkpoint",
          ]);
          return true;
        });
      },
    );

    await t.step("check() passes an outage on as one, not as an alarm", async () => {
      const { checker } = await keeping(1, "prove");
      const offline: TrustedLog = { ...log, api: new LogApi(deadServer()) };
      await assert.rejects(checker.check(offline, real(3)), (e) => {
        assert.ok(e instanceof KezError && !(e instanceof LogAlarm), String(e));
        assert.equal(e.code, "unavailable");
        return true;
      });
    });
  }, withLog(seed));
});
