import assert from "node:assert/strict";
import { parseServe } from "../../lib/config/mod.ts";

const URL = "postgres://kez@127.0.0.1:5432/kez";

function serve(args: string[], env: Record<string, string> = {}) {
  const command = parseServe(args, (name) => env[name]);
  assert.equal(command.kind, "serve");
  return command.kind === "serve" ? command.config : undefined!;
}

Deno.test("config: --db and KEZ_DB take a PostgreSQL URL", async (t) => {
  await t.step("--db postgres://… with --log-key", () => {
    const config = serve(["--db", URL, "--log-key", "/keys/log.key"]);
    assert.equal(config.db, URL);
    assert.equal(config.log?.keyFile, "/keys/log.key");
  });
  await t.step("KEZ_DB and KEZ_LOG_KEY", () => {
    const config = serve([], {
      KEZ_DB: URL.replace("postgres:", "postgresql:"),
      KEZ_LOG_KEY: "/k",
    });
    assert.equal(config.db, "postgresql://kez@127.0.0.1:5432/kez");
  });
  await t.step("any other value is a SQLite path, as before", () => {
    assert.equal(serve(["--db", "postgres.db"]).db, "postgres.db");
  });
  await t.step("without a key file every server would sign with its own: refused", () => {
    assert.throws(() => parseServe(["--db", URL], () => undefined), /--log-key/);
  });
  await t.step("the log cannot be turned off, nor re-keyed", () => {
    assert.throws(
      () =>
        parseServe(
          ["--db", URL, "--log-key", "/k", "--transparency-log", "false"],
          () => undefined,
        ),
      /transparency log off/,
    );
    assert.throws(
      () => parseServe(["--db", URL, "--log-key", "/k", "--new-log-key"], () => undefined),
      /--new-log-key/,
    );
  });
});
