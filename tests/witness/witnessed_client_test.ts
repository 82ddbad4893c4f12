import assert from "node:assert/strict";
import { formatVerifierKey } from "../../lib/tlog/mod.ts";
import { ServerProcess } from "../support/server_process.ts";
import { waitFor } from "../support/wait_for.ts";
import { addAndPublish, kezIn, newIdentity, withDirs } from "../client/kez_support.ts";
import { makeLogKey, policyText, startWitnesses } from "../support/witness_network.ts";

Deno.test("kez requires a witness quorum when a policy is pinned", async (t) => {
  await withDirs(3, async (dir, home, strictHome) => {
    const logKey = await makeLogKey(`${dir}/log.key`);
    await using started = await startWitnesses(dir, logKey, 3);
    const { witnesses, network } = started;
    await Deno.writeTextFile(`${dir}/p2.txt`, policyText(logKey, network, 2));
    await Deno.writeTextFile(`${dir}/p3.txt`, policyText(logKey, network, 3));
    await using log = await ServerProcess.start({
      db: `${dir}/log.db`,
      args: [
        ...["--log-key", `${dir}/log.key`, "--witness-policy", `${dir}/p2.txt`],
        ...["--witness-interval", "1", "--witness-quota", "120"],
      ],
    });
    const vkey = formatVerifierKey(logKey);
    const { primary, secret } = await newIdentity(home);
    const env = { KEZ_HOME: home, KEZ_SECRET: secret };
    const strictEnv = { KEZ_HOME: strictHome };

    await t.step("kez log trust pins the policy with the key", async () => {
      const run = await kezIn(
        ["log", "trust", vkey, "--server", log.base, "--log-policy", `${dir}/p2.txt`],
        env,
      );
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /Pinned witness policy/);
      const strict = await kezIn(["log", "trust", vkey, "--server", log.base], {
        ...strictEnv,
        KEZ_LOG_POLICY: `${dir}/p3.txt`,
      });
      assert.equal(strict.code, 0, strict.stderr);
    });

    await t.step("a policy naming another log is refused, and nothing pinned", async () => {
      const other = await makeLogKey(`${dir}/other.key`);
      await Deno.writeTextFile(`${dir}/other.txt`, policyText(other, network, 2));
      const run = await kezIn(
        ["log", "trust", vkey, "--server", log.base, "--log-policy", `${dir}/other.txt`],
        { KEZ_HOME: `${dir}/fresh` },
      );
      assert.equal(run.code, 2);
      assert.match(run.stderr, /do not name the log key/);
      await assert.rejects(Deno.stat(`${dir}/fresh/log/servers`), Deno.errors.NotFound);
    });

    await t.step("publish and fetch wait for, and check, a witnessed checkpoint", async () => {
      const run = await addAndPublish(env, log.base, ["github:alice"]);
      assert.equal(run.code, 0, run.stderr);
      const fetched = await kezIn(["sigchain", "fetch", primary, "--server", log.base], strictEnv);
      assert.equal(fetched.code, 0, fetched.stderr);
      const monitor = await kezIn(["log", "monitor", "--server", log.base], env);
      assert.equal(monitor.code, 0, monitor.stderr);
      assert.match(monitor.stdout, /Witnesses: the checkpoint is cosigned by W0 .*W1 .*W2 /);
    });

    await t.step(
      "with a witness down, 2-of-3 holds and 3-of-3 fails naming who signed",
      async () => {
        witnesses[2]!.process.kill("SIGTERM");
        await witnesses[2]!.process.exited(10_000);
        const run = await addAndPublish(env, log.base, ["github:bob"]);
        assert.equal(run.code, 0, run.stderr);
        const size = async () =>
          (await (await fetch(`${log.base}/v1/log/checkpoint/witnessed`)).text()).split("\n")[1];
        await waitFor(async () => (await size()) === "2", { timeoutMs: 20_000 });
        const fetched = await kezIn(
          ["sigchain", "fetch", primary, "--server", log.base],
          strictEnv,
        );
        assert.equal(fetched.code, 1, fetched.stderr + fetched.stdout);
        assert.match(
          fetched.stdout,
          /does not meet the witness quorum: cosigned by W0, W1 \(of W0, W1, W2\)/,
        );
        const lenient = await kezIn(["sigchain", "fetch", primary, "--server", log.base], env);
        assert.equal(lenient.code, 0, lenient.stderr);
        // KEZ_LOG_POLICY holds on every command, over the policy pinned with the key.
        const byEnv = await kezIn(["sigchain", "fetch", primary, "--server", log.base], {
          ...env,
          KEZ_LOG_POLICY: `${dir}/p3.txt`,
        });
        assert.equal(byEnv.code, 1, byEnv.stderr + byEnv.stdout);
        assert.match(byEnv.stdout, /does not meet the witness quorum: cosigned by W0, W1/);
      },
    );
  });
});
