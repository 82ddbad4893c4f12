import assert from "node:assert/strict";
import { decodeSecret, encodeSecret, generateKey, primaryOfKey } from "../../lib/client/mod.ts";
import {
  chainFileName,
  CliError,
  kezHome,
  loadLocalChain,
  localChainPath,
  saveLocalChain,
} from "../../lib/cli/mod.ts";
import { writeFileAtomic } from "../../lib/runtime/mod.ts";
import { fromHex, KezError, Sigchain, toHex } from "../../lib/protocol/mod.ts";
import { appendEvent } from "../../lib/client/mod.ts";

// NIP-19's own example.
const NIP19_NSEC = "nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5";
const NIP19_HEX = "67dea2ed018072d675f5415ecfaed7d2597555e202d85b3d65ea4e58d2d92ffa";
// RFC 8032 §7.1, test 1.
const RFC8032_SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const RFC8032_KEY = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

Deno.test("secrets in text form", async (t) => {
  await t.step("nsec is NIP-19: the vector of the NIP decodes and encodes back", () => {
    const key = decodeSecret(NIP19_NSEC);
    assert.equal(key.alg, "nostr-secp256k1-schnorr-sha256-jcs");
    assert.equal(toHex(key.secret), NIP19_HEX);
    assert.equal(encodeSecret(key), NIP19_NSEC);
  });
  await t.step("ed25519-seed: is the seed in hex, and names the RFC 8032 key", () => {
    const key = decodeSecret(`ed25519-seed:${RFC8032_SEED}`);
    assert.equal(primaryOfKey(key), `ed25519:${RFC8032_KEY}`);
    assert.equal(encodeSecret(key), `ed25519-seed:${RFC8032_SEED}`);
  });
  await t.step("fresh keys of both schemes round-trip", () => {
    for (const scheme of ["nostr", "ed25519"] as const) {
      for (let i = 0; i < 20; i++) {
        const key = generateKey(scheme);
        const back = decodeSecret(encodeSecret(key));
        assert.equal(back.alg, key.alg);
        assert.deepEqual(back.secret, key.secret);
      }
    }
  });
  await t.step("malformed secrets are refused without echoing them", () => {
    const bad = [
      "",
      NIP19_NSEC.toUpperCase(),
      NIP19_NSEC.slice(0, -1) + "6",
      "npub1" + NIP19_NSEC.slice(5),
      `ed25519-seed:${RFC8032_SEED.toUpperCase()}`,
      `ed25519-seed:${RFC8032_SEED.slice(2)}`,
      // The secp256k1 group order is not a valid secret key.
      encodeSecret({
        alg: "nostr-secp256k1-schnorr-sha256-jcs",
        secret: fromHex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"),
      }),
    ];
    for (const text of bad) {
      assert.throws(() => decodeSecret(text), (e) => {
        assert.ok(e instanceof TypeError, text);
        assert.match(e.message, /^Cannot read secret: /);
        assert.ok(text === "" || !e.message.includes(text.slice(5)), "the secret is not echoed");
        return true;
      });
    }
  });
});

Deno.test("local chain files", async (t) => {
  await t.step("are named from the primary, safely", () => {
    assert.equal(chainFileName(`ed25519:${RFC8032_KEY}`), `ed25519_${RFC8032_KEY}.jsonl`);
    const npub = primaryOfKey(decodeSecret(NIP19_NSEC));
    assert.equal(chainFileName(npub), `nostr_${npub.slice(6)}.jsonl`);
    assert.match(chainFileName(npub), /^[a-z0-9_]+\.jsonl$/);
    assert.throws(() => chainFileName("ed25519:../../etc/passwd"), KezError);
  });
  await t.step("live under KEZ_HOME, else XDG_DATA_HOME/kez, else ~/.local/share/kez", () => {
    const env = (vars: Record<string, string>) => (name: string) => vars[name];
    const all = { KEZ_HOME: "/k", XDG_DATA_HOME: "/x", HOME: "/h" };
    assert.equal(kezHome(env(all)), "/k");
    assert.equal(kezHome(env({ ...all, KEZ_HOME: "" })), "/x/kez");
    assert.equal(kezHome(env({ XDG_DATA_HOME: "", HOME: "/h" })), "/h/.local/share/kez");
    assert.throws(() => kezHome(env({})), CliError);
    assert.equal(
      localChainPath("/k", `ed25519:${RFC8032_KEY}`),
      `/k/sigchains/ed25519_${RFC8032_KEY}.jsonl`,
    );
  });
  await t.step("are written atomically, leaving no temporary file", async () => {
    const dir = await Deno.makeTempDir();
    try {
      for (const text of ["first\n", "second, longer\n", ""]) {
        await writeFileAtomic(`${dir}/a.jsonl`, text);
        assert.equal(await Deno.readTextFile(`${dir}/a.jsonl`), text);
      }
      await Deno.mkdir(`${dir}/taken`);
      await Deno.writeTextFile(`${dir}/taken/x`, "");
      await assert.rejects(writeFileAtomic(`${dir}/taken`, "x"), "cannot replace a directory");
      await assert.rejects(writeFileAtomic(`${dir}/missing/a.jsonl`, "x"), Deno.errors.NotFound);
      const names = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
      assert.deepEqual(names, ["a.jsonl", "taken"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
  await t.step("are verified on load, an error naming the file and line", async () => {
    const home = await Deno.makeTempDir();
    try {
      const key = generateKey("ed25519");
      const chain = new Sigchain(primaryOfKey(key));
      appendEvent(chain, key, "add", "github:a");
      appendEvent(chain, key, "add", "github:b");
      const path = await saveLocalChain(home, chain);
      assert.equal((await loadLocalChain(home, chain.primary)).head, chain.head);
      await Deno.writeTextFile(path, chain.toJsonl().replace("github:b", "github:c"));
      await assert.rejects(loadLocalChain(home, chain.primary), (e) => {
        assert.ok(e instanceof KezError && e.code === "invalid_signature");
        assert.ok(e.message.startsWith(`Cannot read local chain ${path}: line 2: `), e.message);
        return true;
      });
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  });
});

Deno.test("lib/client imports nothing from Deno, node: or the server, only the pure cores", async () => {
  const lib = new URL("../../lib/", import.meta.url);
  const allowed = (target: string) =>
    target.startsWith("client/") || target === "protocol/mod.ts" || target === "tlog/mod.ts";
  const packages = /^(@scure\/base|nostr-tools\/[a-z-]+)$/;
  async function check(dir: URL): Promise<void> {
    for await (const entry of Deno.readDir(dir)) {
      const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
      if (entry.isDirectory) {
        await check(url);
        continue;
      }
      const name = url.pathname.slice(lib.pathname.length);
      const source = await Deno.readTextFile(url);
      const imports = [...source.matchAll(/^\s*(?:import|export)\b[^;]*?from\s+"([^"]+)"/gm)]
        .map((m) => m[1]!);
      for (const specifier of imports) {
        const target = specifier.startsWith(".")
          ? new URL(specifier, url).pathname.slice(lib.pathname.length)
          : null;
        assert.ok(
          target === null ? packages.test(specifier) : allowed(target),
          `${name} imports ${specifier}`,
        );
      }
      assert.doesNotMatch(source, /\bDeno\.\w/, `${name} uses Deno`);
    }
  }
  await check(new URL("client/", lib));
});
