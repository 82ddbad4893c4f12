import assert from "node:assert/strict";
import { COMMANDS, type Io, main } from "../../lib/cli/mod.ts";

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    env: () => undefined,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    stdin: () => Promise.resolve(new Uint8Array()),
  };
  return { code: await main(args, io), out: out.join("\n"), err: err.join("\n") };
}

Deno.test("kez <group> --help lists the group's commands", async (t) => {
  for (const group of ["identity", "sigchain", "log"]) {
    for (const flag of ["--help", "-h"]) {
      await t.step(`kez ${group} ${flag}`, async () => {
        const { code, out, err } = await run([group, flag]);
        assert.equal(code, 0, err);
        assert.ok(out.startsWith(`Usage: kez ${group} <command>`), out);
        const members = COMMANDS.filter((c) => c.name.startsWith(`${group} `));
        assert.ok(members.length > 0);
        for (const command of members) {
          assert.ok(out.includes(`  ${command.name} `), `${command.name} in:\n${out}`);
          assert.ok(out.includes(command.summary), command.summary);
        }
      });
    }
  }
  await t.step("a group without a command is still a usage error", async () => {
    const { code, err } = await run(["sigchain"]);
    assert.equal(code, 2);
    assert.match(err, /^kez: Missing sigchain command/);
  });
});
