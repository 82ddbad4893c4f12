/**
 * Reading a C2SP tlog-policy file, for `kez log trust --log-policy` and for
 * `KEZ_LOG_POLICY`.
 *
 * @module
 */

import { CliError } from "./errors.ts";

/**
 * Reads a witness policy file as text; what it says is checked where it is used.
 *
 * @param path the file
 * @param via where the path came from, for the message (a flag or a variable)
 * @returns its text
 * @throws {CliError} when it cannot be read
 *
 * @example
 * ```ts
 * import { readPolicyFile } from "./policy_file.ts";
 * const e = await readPolicyFile("/no/such/policy", "KEZ_LOG_POLICY").catch((e) => e);
 * if (!e.message.startsWith('Cannot read log policy "/no/such/policy" (KEZ_LOG_POLICY)')) {
 *   throw new Error(e.message);
 * }
 * ```
 */
export async function readPolicyFile(path: string, via: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    throw new CliError(`Cannot read log policy "${path}" (${via}): ${(e as Error).message}`);
  }
}
