/**
 * Test support: the server binary run as an unprivileged user. Tests run as
 * root here, and root ignores file modes, so a read-only file is tested as
 * `nobody` (uid 65534) through `setpriv`, running the single-file bundle of
 * `main.ts` (nobody cannot read root's Deno cache) with the binary's
 * permissions.
 *
 * @module
 */

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const PERMISSIONS = ["--allow-net", "--allow-read", "--allow-write", "--allow-env"];
const NOBODY = "65534";

/** What a finished run printed. */
export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the binary as nobody. */
export type RunAsNobody = (args: string[]) => Promise<Run>;

/**
 * Why nobody cannot be tested here, or null when it can: it takes root, to
 * change user, and `setpriv`.
 *
 * @returns the reason to skip, or null
 */
export function whyNoNobody(): string | null {
  if (Deno.build.os !== "linux") return "setpriv is Linux's";
  if (Deno.uid() !== 0) return "changing to the user nobody takes root";
  try {
    Deno.statSync("/usr/bin/setpriv");
  } catch {
    return "no /usr/bin/setpriv";
  }
  return null;
}

/**
 * Bundles the binary where nobody can read it and runs `fn` with a runner.
 *
 * @param fn the test, given the runner and a directory nobody may write
 */
export async function withNobody(
  fn: (run: RunAsNobody, dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "kez-nobody-" });
  try {
    await Deno.chmod(dir, 0o755);
    const bundle = `${dir}/kez-sig-server.js`;
    const built = await new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--output", bundle, MAIN],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (built.code !== 0) throw new Error(new TextDecoder().decode(built.stderr));
    await Deno.chmod(bundle, 0o644);
    const home = `${dir}/home`;
    await Deno.mkdir(home, { mode: 0o777 });
    await Deno.chmod(home, 0o777);
    const run: RunAsNobody = async (args) => {
      const out = await new Deno.Command("/usr/bin/setpriv", {
        args: [
          `--reuid=${NOBODY}`,
          `--regid=${NOBODY}`,
          "--clear-groups",
          Deno.execPath(),
          "run",
          ...PERMISSIONS,
          bundle,
          ...args,
        ],
        env: { HOME: home, DENO_DIR: `${home}/deno`, NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(60_000),
      }).output();
      const decode = (b: Uint8Array) => new TextDecoder().decode(b);
      return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
    };
    await fn(run, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
