import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;
const PERMISSIONS = ["--allow-net", "--allow-read", "--allow-write", "--allow-env"];

Deno.test("bundle: one JavaScript file that serves and runs the maintenance commands", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "kez-bundle-" });
  const bundle = `${dir}/kez-sig-server.js`;
  try {
    await t.step("deno bundle builds it", async () => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["bundle", "--output", bundle, "main.ts"],
        cwd: ROOT,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    });
    await t.step("it serves, with only the four permissions of deno task start", async () => {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", ...PERMISSIONS, bundle, "--bind", "127.0.0.1:0", "--db", `${dir}/a.db`],
        cwd: dir,
        stdout: "null",
        stderr: "piped",
      }).spawn();
      const lines = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
      let log = "";
      while (!/listening on (http:\/\/\S+)/.test(log)) {
        const { value, done } = await lines.read();
        if (done) break;
        log += value;
      }
      const base = /listening on (http:\/\/\S+)/.exec(log)?.[1];
      try {
        assert.ok(base, log);
        const health = await fetch(`${base}/v1/healthz`);
        assert.deepEqual(await health.json(), { status: "ok" });
        const metrics = await fetch(`${base}/metrics`);
        assert.match(await metrics.text(), /^kez_events_stored 0$/m);
        const check = await new Deno.Command(Deno.execPath(), {
          args: ["run", ...PERMISSIONS, bundle, "healthcheck", "--url", `${base}/v1/healthz`],
          stdout: "null",
        }).output();
        assert.equal(check.code, 0);
      } finally {
        child.kill("SIGTERM");
        assert.equal((await child.status).code, 0);
        await lines.cancel();
      }
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
