import assert from "node:assert/strict";
import { DEFAULT_POLL_INTERVAL_MS, MIRROR_USAGE, parseMirror } from "../../lib/config/mod.ts";
import { UpstreamPin } from "../../lib/mirror/mod.ts";
import { ChainAuthor } from "../support/chain_author.ts";
import { runBinary, spawnServer } from "../support/binary.ts";
import { get, newSeed, post, publish, startUpstream } from "./mirror_support.ts";
import { waitFor } from "../support/wait_for.ts";
import { withDir } from "../support/temp_dir.ts";

function parse(args: string[], env: Record<string, string> = {}) {
  return parseMirror(args, (name) => env[name]);
}

function mirrorOf(args: string[], env: Record<string, string> = {}) {
  const command = parse(args, env);
  assert.equal(command.kind, "mirror");
  return command;
}

Deno.test("mirror command: flags", async (t) => {
  await t.step("--upstream and the server's flags", () => {
    const command = mirrorOf([
      "--upstream",
      "https://kez.example/",
      "--bind",
      "127.0.0.1:0",
      "--db",
      "/data/m.db",
      "--log-origin",
      "mirror.example/log",
      "--poll-interval=50",
    ]);
    assert.equal(command.upstream, "https://kez.example");
    assert.equal(command.pollMs, 50);
    assert.equal(command.config.bind.port, 0);
    assert.equal(command.config.db, "/data/m.db");
    assert.deepEqual(command.config.log, {
      origin: "mirror.example/log",
      keyFile: "/data/m.db-log.key",
    });
  });

  await t.step("a path prefix is kept, without its trailing slash", () => {
    assert.equal(mirrorOf(["--upstream", "http://h:7878/kez//"]).upstream, "http://h:7878/kez");
  });

  await t.step("environment variables, and flags beating them", () => {
    const env = { KEZ_UPSTREAM: "http://env.example", KEZ_POLL_INTERVAL: "250" };
    const fromEnv = mirrorOf([], env);
    assert.equal(fromEnv.upstream, "http://env.example");
    assert.equal(fromEnv.pollMs, 250);
    const fromFlag = mirrorOf(["--upstream", "http://flag.example", "--poll-interval", "9"], env);
    assert.equal(fromFlag.upstream, "http://flag.example");
    assert.equal(fromFlag.pollMs, 9);
    assert.equal(mirrorOf(["--upstream", "http://x"]).pollMs, DEFAULT_POLL_INTERVAL_MS);
  });

  await t.step("--help and --version", async () => {
    const help = await runBinary(["mirror", "--help"]);
    assert.equal(help.code, 0);
    assert.equal(help.stdout, `${MIRROR_USAGE}\n`);
    assert.ok(MIRROR_USAGE.includes(`default ${DEFAULT_POLL_INTERVAL_MS}`));
    for (const flag of ["--upstream", "--poll-interval", "--bind", "--db", "--log-key"]) {
      assert.ok(MIRROR_USAGE.includes(flag), flag);
    }
    assert.equal(parse(["-V"]).kind, "version");
  });

  const usageErrors: [string, string[], Record<string, string>, RegExp][] = [
    ["no upstream", [], {}, /^Cannot start mirror: --upstream <url> is required$/],
    ["--upstream without its value", ["--upstream"], {}, /--upstream/],
    ["an upstream that is no URL", ["--upstream", "kez.example"], {}, /Cannot use upstream/],
    ["an ftp upstream", ["--upstream", "ftp://kez.example"], {}, /http:\/\/ or https:\/\//],
    ["an upstream with a query", ["--upstream", "http://k.example/?a=1"], {}, /without query/],
    ["a bad KEZ_UPSTREAM", [], { KEZ_UPSTREAM: "nope" }, /Cannot use upstream "nope"/],
    ["a zero poll interval", ["--upstream", "http://k", "--poll-interval", "0"], {}, /from 1/],
    ["a poll interval in words", ["--upstream", "http://k", "--poll-interval", "1s"], {}, /"1s"/],
    ["no transparency log", ["--upstream", "http://k", "--transparency-log", "false"], {}, /log/],
    ["a flag of another command", ["--upstream", "http://k", "--url", "x"], {}, /'--url'/],
    ["an argument", ["--upstream", "http://k", "extra"], {}, /extra/],
    ["a bad server flag", ["--upstream", "http://k", "--bind", "nowhere"], {}, /bind address/],
  ];
  for (const [name, args, env, message] of usageErrors) {
    await t.step(`usage error: ${name}`, () => {
      assert.throws(
        () => parse(args, env),
        (e: Error) => e instanceof TypeError && message.test(e.message),
      );
    });
  }
});

Deno.test("mirror command: the binary", async (t) => {
  await t.step("a usage error exits 2", async () => {
    const { code, stderr } = await runBinary(["mirror", "--bind", "127.0.0.1:0"]);
    assert.equal(code, 2);
    assert.match(stderr, /--upstream <url> is required/);
  });

  await t.step("it follows, refuses POSTs, and stops on SIGTERM with 0", async () => {
    await withDir(async (dir) => {
      const upstream = startUpstream(`${dir}/upstream.db`, newSeed());
      const authors = [new ChainAuthor(), new ChainAuthor()];
      await publish(upstream.base, authors, 2, "a");
      const db = `${dir}/mirror.db`;
      const args = ["mirror", "--upstream", upstream.base, "--bind", "127.0.0.1:0", "--db", db];
      const mirror = await spawnServer([...args, "--poll-interval", "20", "--verify-workers", "0"]);
      try {
        const size = async () =>
          Number((await get(mirror.base, "/v1/log/checkpoint")).text.split("\n")[1]);
        await waitFor(async () => (await size()) === 4, { what: "the mirror to catch up" });
        await publish(upstream.base, authors, 1, "b");
        await waitFor(async () => (await size()) === 6, { what: "the mirror to follow" });
        const author = authors[0]!;
        const refused = await post(mirror.base, author, author.next("add", "github:x"));
        assert.equal(refused.status, 503);
        assert.match(refused.body.error!.message, /read-only mirror of http:\/\/127\.0\.0\.1:\d+/);
      } finally {
        mirror.child.kill("SIGTERM");
        const status = await mirror.finished();
        await upstream.close();
        assert.equal(status.code, 0, mirror.log());
      }
      assert.match(mirror.log(), /mirroring http:\/\/127\.0\.0\.1:\d+, read-only/);
      // A refused POST is the mirror working as meant: nothing for an operator to look into.
      assert.doesNotMatch(mirror.log(), /WARN/);
      const pin = await UpstreamPin.load(`${db}-upstream.json`);
      assert.equal(pin.kept?.checkpoint.size, 6);
    });
  });
});
