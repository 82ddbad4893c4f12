import assert from "node:assert/strict";
import { startServer } from "../support/binary.ts";
import { ed25519 } from "@noble/curves/ed25519.js";
import { safeName } from "../../lib/cli/mod.ts";
import { formatVerifierKey, parseCheckpoint, verifierKey } from "../../lib/tlog/mod.ts";
import { withServer } from "../support/test_server.ts";
import {
  addAndPublish,
  keptCheckpoints,
  kezIn,
  newIdentity,
  TEST_ORIGIN,
  withDirs,
  withLog,
} from "./kez_support.ts";

/** The text of a signed note as the alarm prints it: verbatim but its final newline. */
function shown(note: string): string {
  return note.replace(/\n$/, "");
}

function sizeOf(note: string): number {
  return parseCheckpoint(note.slice(0, note.indexOf("\n\n") + 1)).size;
}

Deno.test("kez trusts a log key on first use or pinned, and keeps the largest checkpoint", async (t) => {
  await withServer(async (server) => {
    await withDirs(2, async (home, other) => {
      const { secret } = await newIdentity(home);
      const env = { KEZ_HOME: home, KEZ_SECRET: secret };
      const key = (await server.request("GET", "/v1/log/key")).text.trimEnd();
      const checkpoint = async () => (await server.request("GET", "/v1/log/checkpoint")).text;

      await t.step(
        "the first contact trusts the served key on first use, and says so",
        async () => {
          const run = await addAndPublish(env, server.base, ["github:jason"]);
          assert.equal(run.code, 0, run.stderr);
          assert.equal(
            run.stderr,
            `kez: warning: trusting log key ${key} of ${server.base} on first use (TOFU); ` +
              "check it out of band and pin it\n",
          );
          const record = `${home}/log/servers/${safeName(server.base)}.json`;
          assert.deepEqual(JSON.parse(await Deno.readTextFile(record)), {
            server: server.base,
            key,
            pinned: false,
          });
        },
      );
      await t.step("later runs warn no more, and the kept checkpoint grows", async () => {
        assert.deepEqual(await keptCheckpoints(home), [await checkpoint()]);
        assert.equal(sizeOf((await keptCheckpoints(home))[0]!), 1);
        const run = await addAndPublish(env, server.base, ["dns:jason.example", "github:j2"]);
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stderr, "");
        const kept = await keptCheckpoints(home);
        assert.deepEqual(kept, [await checkpoint()]);
        assert.equal(sizeOf(kept[0]!), 3);
      });
      await t.step("log trust pins a key", async () => {
        const run = await kezIn(["log", "trust", key, "--server", `${server.base}/`, "--json"], {
          KEZ_HOME: home,
        });
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(JSON.parse(run.stdout), {
          server: server.base,
          key,
          pinned: true,
          replaced: null,
        });
        const pull = await kezIn(["sigchain", "pull", "--server", server.base], env);
        assert.equal(pull.code, 0, pull.stderr);
        assert.equal(pull.stderr, "");
      });
      await t.step(
        "a checkpoint the pinned key did not sign is an alarm with the evidence",
        async () => {
          const wrong = formatVerifierKey(
            verifierKey(TEST_ORIGIN, ed25519.getPublicKey(new Uint8Array(32).fill(1))),
          );
          const trust = await kezIn(["log", "trust", wrong, "--server", server.base], {
            KEZ_HOME: other,
          });
          assert.deepEqual(trust.lines, [`Pinned log key ${wrong} for ${server.base}`]);
          const { primary } = JSON.parse(
            (await kezIn(["sigchain", "show", "--json"], env)).stdout,
          );
          const run = await kezIn(["sigchain", "fetch", primary, "--server", server.base], {
            KEZ_HOME: other,
          });
          assert.equal(run.code, 1);
          assert.equal(run.stdout, "");
          const served = await checkpoint();
          assert.equal(
            run.stderr,
            [
              `kez: ALARM: Cannot verify checkpoint of ${server.base}: it does not verify with the ` +
              `pinned log key ${wrong}: The note has no signature by ${TEST_ORIGIN}`,
              "kez: the evidence follows, each item verbatim (but its final newline) between its lines",
              "-----BEGIN kept checkpoint (the largest verified before)-----",
              "none",
              "-----END kept checkpoint (the largest verified before)-----",
              `-----BEGIN served checkpoint (${server.base}/v1/log/checkpoint)-----`,
              shown(served),
              `-----END served checkpoint (${server.base}/v1/log/checkpoint)-----`,
              "",
            ].join("\n"),
          );
          const json = await kezIn(
            ["sigchain", "fetch", primary, "--server", server.base, "--json"],
            { KEZ_HOME: other },
          );
          const { error } = JSON.parse(json.stderr);
          assert.equal(error.code, "conflict");
          assert.equal(error.alarm, true);
          assert.deepEqual(error.evidence.map((e: { text: string }) => e.text), ["none", served]);
          const kept = (await Array.fromAsync(Deno.readDir(`${other}/log`))).map((e) => e.name);
          assert.deepEqual(kept, ["servers"], "no checkpoint is kept");
        },
      );
    });
  }, withLog());
});

Deno.test("kez and a server without a log: a warning, or an alarm once its key is pinned", async (t) => {
  await withServer(async (server) => {
    await withDirs(1, async (home) => {
      const { secret } = await newIdentity(home);
      const env = { KEZ_HOME: home, KEZ_SECRET: secret };
      await t.step("one warning per run, and the answers are used", async () => {
        const run = await addAndPublish(env, server.base, ["github:jason"]);
        assert.equal(run.code, 0, run.stderr);
        assert.equal(
          run.stderr,
          `kez: warning: ${server.base} has no transparency log (404 on /v1/log/key): ` +
            "its answers are not checked\n",
        );
      });
      await t.step("a pinned key makes the missing log an alarm", async () => {
        const key = formatVerifierKey(
          verifierKey(TEST_ORIGIN, ed25519.getPublicKey(new Uint8Array(32).fill(2))),
        );
        assert.equal((await kezIn(["log", "trust", key, "--server", server.base], env)).code, 0);
        const run = await kezIn(["sigchain", "pull", "--server", server.base], env);
        assert.equal(run.code, 1);
        assert.match(
          run.stderr,
          new RegExp(
            `^kez: ALARM: Cannot verify checkpoint of ${server.base}: it serves no ` +
              "transparency log \\(404\\), but its log key \\S+ is pinned\n",
          ),
        );
      });
    });
  });
});

Deno.test("kez alarms when a server whose log key it trusted on first use drops its log", async () => {
  await withDirs(2, async (home, data) => {
    const { secret } = await newIdentity(home);
    const env = { KEZ_HOME: home, KEZ_SECRET: secret };
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const bind = ["--bind", `127.0.0.1:${listener.addr.port}`];
    listener.close();
    {
      await using server = await startServer(`${data}/with-log.db`, bind);
      const run = await addAndPublish(env, server.base, ["github:jason"]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /trusting log key \S+ of \S+ on first use \(TOFU\)/);
    }
    // The same address, now without a log.
    await using server = await startServer(`${data}/without-log.db`, [
      ...bind,
      "--transparency-log",
      "false",
    ]);
    const run = await kezIn(["sigchain", "pull", "--server", server.base], env);
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr,
      new RegExp(
        `^kez: ALARM: Cannot verify checkpoint of ${server.base}: it serves no transparency ` +
          "log \\(404\\), but its log key \\S+ was trusted on first use\n",
      ),
    );
  });
});

Deno.test("kez alarms on a checkpoint inconsistent with the kept one", async (t) => {
  // Two servers signing with one key: one log showing two different trees.
  const seed = crypto.getRandomValues(new Uint8Array(32));
  await withServer(async (a) => {
    await withServer(async (b) => {
      await withDirs(3, async (reader, one, two) => {
        const first = await newIdentity(one);
        const second = await newIdentity(two);
        const envOne = { KEZ_HOME: one, KEZ_SECRET: first.secret };
        const envTwo = { KEZ_HOME: two, KEZ_SECRET: second.secret };
        assert.equal((await addAndPublish(envOne, a.base, ["github:a", "github:b"])).code, 0);
        const fetched = await kezIn(["sigchain", "fetch", first.primary, "--server", a.base], {
          KEZ_HOME: reader,
        });
        assert.equal(fetched.code, 0, fetched.stderr);
        const kept = (await a.request("GET", "/v1/log/checkpoint")).text;
        assert.deepEqual(await keptCheckpoints(reader), [kept]);
        const key = (await a.request("GET", "/v1/log/key")).text.trimEnd();
        assert.equal(
          (await kezIn(["log", "trust", key, "--server", b.base], { KEZ_HOME: reader }))
            .code,
          0,
        );

        const alarmOf = async (expected: string | RegExp) => {
          const run = await kezIn(["sigchain", "fetch", second.primary, "--server", b.base], {
            KEZ_HOME: reader,
          });
          assert.equal(run.code, 1);
          const served = (await b.request("GET", "/v1/log/checkpoint")).text;
          const [first = ""] = run.stderr.split("\n", 1);
          const prefix = `kez: ALARM: Cannot verify checkpoint of ${b.base}: `;
          assert.ok(first.startsWith(prefix), first);
          if (typeof expected === "string") assert.equal(first.slice(prefix.length), expected);
          else assert.match(first.slice(prefix.length), expected);
          assert.ok(run.stderr.includes(`-----\n${shown(kept)}\n-----END kept checkpoint`));
          assert.ok(run.stderr.includes(`-----\n${shown(served)}\n-----END served checkpoint`));
          assert.deepEqual(await keptCheckpoints(reader), [kept], "the kept one stays");
        };
        await t.step("a smaller tree the server cannot prove a prefix", async () => {
          assert.equal((await addAndPublish(envTwo, b.base, ["github:x"])).code, 0);
          await alarmOf(
            /^the server cannot prove that the tree of size 1 is a prefix of the tree of size 2: /,
          );
        });
        await t.step("a tree of the same size with another root", async () => {
          assert.equal((await addAndPublish(envTwo, b.base, ["github:y"])).code, 0);
          await alarmOf("the kept and the served checkpoints both have size 2 but different roots");
        });
        await t.step("a larger tree that does not extend the kept one", async () => {
          assert.equal((await addAndPublish(envTwo, b.base, ["github:z"])).code, 0);
          await alarmOf(
            "the tree of size 2 is not a prefix of the tree of size 3: the consistency proof " +
              "does not hold",
          );
        });
        await t.step("publish stops with the alarm before posting anything", async () => {
          assert.equal((await kezIn(["log", "trust", key, "--server", b.base], envOne)).code, 0);
          const run = await kezIn(["sigchain", "publish", "--server", b.base], envOne);
          assert.equal(run.code, 1);
          assert.match(run.stderr, /^kez: ALARM: Cannot verify checkpoint of /);
          const path = first.primary.replace(":", "/");
          assert.equal((await b.request("GET", `/v1/sigchains/${path}`)).status, 404);
        });
      });
    }, withLog(seed));
  }, withLog(seed));
});
