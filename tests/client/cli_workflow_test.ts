import assert from "node:assert/strict";
import { withServer } from "../support/test_server.ts";
import { kezIn, newIdentity, withDirs, withLog } from "./kez_support.ts";

/** The workflow, verbatim but for the server's address. */
const WORKFLOW = `
NSEC=$(kez identity new | awk -F': *' '/^Secret:/ {print $2; exit}')
kez sigchain add github:jason --nsec "$NSEC"
kez sigchain add dns:jason.example --nsec "$NSEC"
kez sigchain publish --nsec "$NSEC" --server http://localhost:7878
# → server: posted 2 event(s), 0 already present
PRIMARY=$(kez sigchain show --nsec "$NSEC" | awk '/^Primary:/ {print $2; exit}')
`;

Deno.test("the issue's workflow runs as written against a real server", async () => {
  await withServer(async (server) => {
    await withDirs(2, async (home, bin) => {
      // `kez` as the install step makes it: a command on the PATH.
      const kezPath = `${bin}/kez`;
      const entry = new URL("../../kez.ts", import.meta.url).pathname;
      await Deno.writeTextFile(
        kezPath,
        `#!/bin/sh\nexec "${Deno.execPath()}" run -A "${entry}" "$@"\n`,
      );
      await Deno.chmod(kezPath, 0o755);
      const script = "set -e\n" + WORKFLOW.replaceAll("http://localhost:7878", server.base) +
        'echo "PRIMARY=$PRIMARY"\n';
      const out = await new Deno.Command("bash", {
        args: ["-c", script],
        env: { PATH: `${bin}:${Deno.env.get("PATH")}`, KEZ_HOME: home, KEZ_SECRET: "" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stdout = new TextDecoder().decode(out.stdout);
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      assert.match(stdout, /^server: posted 2 event\(s\), 0 already present$/m);
      const primary = /^PRIMARY=(nostr:npub1\S+)$/m.exec(stdout)?.[1];
      assert.ok(primary, stdout);

      const chain = await server.request("GET", `/v1/sigchains/${primary.replace(":", "/")}`);
      assert.equal(chain.status, 200);
      const events = chain.text.trimEnd().split("\n").map((l) => JSON.parse(l));
      assert.deepEqual(
        events.map((e) => [e.payload.seq, e.payload.op, e.payload.payload.subject]),
        [[0, "add", "github:jason"], [1, "add", "dns:jason.example"]],
      );
    });
  }, withLog());
});

Deno.test("kez sigchain publish and pull", async (t) => {
  await withServer(async (server) => {
    await withDirs(2, async (laptop, phone) => {
      const { primary, secret } = await newIdentity(laptop);
      const as = (home: string) => ({ KEZ_HOME: home, KEZ_SECRET: secret });
      for (const subject of ["github:jason", "dns:jason.example"]) {
        assert.equal((await kezIn(["sigchain", "add", subject], as(laptop))).code, 0);
      }
      const publish = ["sigchain", "publish", "--server", server.base];

      await t.step("the first publish posts every event", async () => {
        const run = await kezIn(publish, as(laptop));
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(run.lines, ["server: posted 2 event(s), 0 already present"]);
      });
      await t.step("a second publish posts nothing", async () => {
        const run = await kezIn([...publish, "--json"], as(laptop));
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(JSON.parse(run.stdout), {
          server: server.base,
          primary,
          posted: 0,
          present: 2,
        });
      });
      await t.step("pull brings the published events into a second KEZ_HOME", async () => {
        const run = await kezIn(["sigchain", "pull", "--server", server.base], as(phone));
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(run.lines, ["server: pulled 2 event(s), local chain has 2 event(s)"]);
        const show = await kezIn(["sigchain", "show", "--json", "--primary", primary], {
          KEZ_HOME: phone,
        });
        assert.deepEqual(JSON.parse(show.stdout).active, ["github:jason", "dns:jason.example"]);
      });
      await t.step("pull takes only what is new, and then nothing", async () => {
        assert.equal((await kezIn(["sigchain", "revoke", "github:jason"], as(laptop))).code, 0);
        assert.equal(
          (await kezIn(publish, as(laptop))).lines[0],
          "server: posted 1 event(s), 2 already present",
        );
        const pull = ["sigchain", "pull", "--server", server.base, "--primary", primary, "--json"];
        const first = JSON.parse((await kezIn(pull, { KEZ_HOME: phone })).stdout);
        assert.equal(first.pulled, 1);
        assert.equal(first.length, 3);
        const again = JSON.parse((await kezIn(pull, { KEZ_HOME: phone })).stdout);
        assert.equal(again.pulled, 0);
        const exported = await kezIn(["sigchain", "export"], as(phone));
        const served = await server.request("GET", `/v1/sigchains/${primary.replace(":", "/")}`);
        assert.equal(
          exported.stdout,
          served.text,
          "export is byte for byte what the server serves",
        );
      });
      await t.step(
        "a diverged local chain is refused by publish and pull, naming the seq",
        async () => {
          assert.equal(
            (await kezIn(["sigchain", "add", "web:https://a.example/"], as(laptop))).code,
            0,
          );
          assert.equal(
            (await kezIn(["sigchain", "add", "web:https://b.example/"], as(phone))).code,
            0,
          );
          assert.equal((await kezIn(publish, as(laptop))).code, 0);
          const before = await server.request("GET", `/v1/sigchains/${primary.replace(":", "/")}`);

          const refused = await kezIn(publish, as(phone));
          assert.equal(refused.code, 1);
          assert.match(refused.stderr, /^kez: Cannot publish chain: .*different event at seq 3 /);
          assert.equal(refused.stderr.trimEnd().split("\n").length, 1, "one line");
          const after = await server.request("GET", `/v1/sigchains/${primary.replace(":", "/")}`);
          assert.equal(after.text, before.text, "nothing was posted");

          const pull = await kezIn(["sigchain", "pull", "--server", server.base], as(phone));
          assert.equal(pull.code, 1);
          assert.match(pull.stderr, /^kez: Cannot pull chain: .*different event at seq 3 /);
        },
      );
    });
  }, withLog());
});
