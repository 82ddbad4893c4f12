import assert from "node:assert/strict";
import { COMMANDS, type Io, main } from "../../lib/cli/mod.ts";
import { kez, newIdentity, withDirs } from "./kez_support.ts";

/** Runs `kez` in process, with its output captured. */
async function run(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    env: (name) => env[name],
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    stdin: () => Promise.resolve(new Uint8Array()),
  };
  return { code: await main(args, io), out: out.join("\n"), err };
}

Deno.test("every command answers --help, and `kez --help` lists them all", async (t) => {
  const top = await run(["--help"]);
  assert.equal(top.code, 0);
  for (const command of COMMANDS) {
    assert.ok(top.out.includes(`  ${command.name} `), command.name);
    await t.step(`kez ${command.name} --help`, async () => {
      const help = await run([...command.name.split(" "), "--help"]);
      assert.equal(help.code, 0);
      assert.ok(help.out.startsWith(`Usage: kez ${command.name}`), help.out);
      assert.ok(help.out.includes("--json"), "every command takes --json");
    });
  }
});

Deno.test("usage errors exit 2, failures exit 1, each one line on stderr", async (t) => {
  await withDirs(1, async (home) => {
    const { secret } = await newIdentity(home);
    const env = { KEZ_HOME: home };
    const cases: [string, string[], Record<string, string>, number, RegExp][] = [
      ["no command", [], env, 2, /^kez: Missing command/],
      [
        "an unknown command",
        ["sigchain", "nonsense"],
        env,
        2,
        /Unknown command 'sigchain nonsense'/,
      ],
      ["an unknown flag", ["sigchain", "show", "--bogus"], env, 2, /Unknown option '--bogus'/],
      [
        "a missing argument",
        ["sigchain", "add", "--nsec", secret],
        env,
        2,
        /Missing argument <subject>/,
      ],
      ["an extra argument", ["sigchain", "verify", "a", "b"], env, 2, /Unexpected argument 'b'/],
      [
        "no secret",
        ["sigchain", "add", "github:a"],
        env,
        2,
        /Missing secret: give --nsec or set KEZ_SECRET/,
      ],
      [
        "a malformed secret",
        ["sigchain", "add", "github:a", "--nsec", "nsec1xyz"],
        env,
        2,
        /Cannot read secret/,
      ],
      ["an unknown --alg", ["identity", "new", "--alg", "rsa"], env, 2, /Invalid --alg "rsa"/],
      [
        "publish without --server",
        ["sigchain", "publish", "--nsec", secret],
        env,
        2,
        /Missing --server/,
      ],
      [
        "a bad server URL",
        ["sigchain", "pull", "--nsec", secret, "--server", "localhost"],
        env,
        2,
        /Invalid URL for --server/,
      ],
      [
        "fetch without sources",
        [
          "sigchain",
          "fetch",
          "ed25519:d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        ],
        env,
        2,
        /Missing source/,
      ],
      ["no log command", ["log"], env, 2, /^kez: Missing log command/],
      [
        "a malformed log key",
        ["log", "trust", "example.com/log+zz+AQ==", "--server", "http://localhost:7878"],
        env,
        2,
        /^kez: Malformed verifier key/,
      ],
      [
        "verify-proof without the event",
        ["log", "verify-proof", "proof.txt"],
        env,
        2,
        /^kez: Missing --event FILE/,
      ],
      [
        "a bad --seq",
        ["log", "proof", "--seq", "01", "--server", "http://localhost:7878", "nostr:npub1x"],
        env,
        2,
        /^kez: Invalid --seq "01"/,
      ],
      [
        "a bad subject",
        ["sigchain", "add", "GitHub:a", "--nsec", secret],
        env,
        1,
        /^kez: Cannot parse subject "GitHub:a"/,
      ],
      [
        "a revoke of an inactive subject",
        ["sigchain", "revoke", "github:a", "--nsec", secret],
        env,
        1,
        /^kez: Cannot revoke github:a: it is not active/,
      ],
      [
        "a bad primary",
        ["sigchain", "show", "--primary", "nostr:npub1nope"],
        env,
        1,
        /^kez: Cannot parse primary/,
      ],
      [
        "nothing to export",
        ["sigchain", "export", "--nsec", secret],
        env,
        1,
        /^kez: Cannot export chain: there are no local events/,
      ],
      [
        "a missing file",
        ["sigchain", "verify", `${home}/missing.jsonl`],
        env,
        1,
        /^kez: No such file/,
      ],
    ];
    for (const [name, args, caseEnv, code, message] of cases) {
      await t.step(name, async () => {
        const result = await run(args, caseEnv);
        assert.equal(result.code, code, result.err.join("\n"));
        assert.equal(result.err.length, 1, "one line");
        assert.match(result.err[0]!, message);
      });
    }
    await t.step("a bad subject fails before touching the local chain", async () => {
      await assert.rejects(Deno.stat(`${home}/sigchains`), Deno.errors.NotFound);
    });
    await t.step("--json errors carry the spec's code", async () => {
      const result = await run(["sigchain", "revoke", "github:a", "--nsec", secret, "--json"], env);
      assert.equal(result.code, 1);
      assert.equal(JSON.parse(result.err[0]!).error.code, "invalid_op");
    });
    await t.step("as a process: one line, no stack trace, the right status", async () => {
      const usage = await kez(["sigchain", "add"], env);
      assert.equal(usage.code, 2);
      const failed = await kez(["sigchain", "revoke", "github:a", "--nsec", secret], env);
      assert.equal(failed.code, 1);
      for (const r of [usage, failed]) {
        assert.equal(r.stderr.split("\n").length, 2, r.stderr);
        assert.doesNotMatch(r.stderr, /\bat /);
      }
    });
  });
});

Deno.test("KEZ_SECRET stands in for --nsec, and --primary for a secret when only reading", async () => {
  await withDirs(1, async (home) => {
    const { primary, secret } = await newIdentity(home);
    assert.equal(
      (await run(["sigchain", "add", "github:a"], { KEZ_HOME: home, KEZ_SECRET: secret })).code,
      0,
    );
    const show = await run(["sigchain", "show", "--primary", primary], { KEZ_HOME: home });
    assert.equal(show.code, 0);
    const lines = show.out.split("\n");
    assert.deepEqual(lines.slice(0, 2), [`Primary: ${primary}`, "Events: 1"]);
    assert.match(lines[2]!, /^Head: sha256:[0-9a-f]{64}$/);
    assert.match(lines[3]!, /^ {2}0 add {4}github:a {2}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(lines.slice(4), ["Active: github:a"]);
  });
});
