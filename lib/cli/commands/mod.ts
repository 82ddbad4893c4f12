/**
 * The commands of `kez`, one file each.
 *
 * @example
 * ```ts
 * import { sigchainPublish } from "./mod.ts";
 * if (sigchainPublish.name !== "sigchain publish") throw new Error("unexpected");
 * ```
 *
 * @module
 */

import type { Command } from "../command.ts";
import { identityNew } from "./identity_new.ts";
import { logMonitor } from "./log_monitor.ts";
import { logProof } from "./log_proof.ts";
import { logTrust } from "./log_trust.ts";
import { logVerifyProof } from "./log_verify_proof.ts";
import { sigchainAdd, sigchainRevoke } from "./sigchain_append.ts";
import { sigchainCheck } from "./sigchain_check.ts";
import { sigchainExport } from "./sigchain_export.ts";
import { sigchainFetch } from "./sigchain_fetch.ts";
import { sigchainPublish } from "./sigchain_publish.ts";
import { sigchainPull } from "./sigchain_pull.ts";
import { sigchainShow } from "./sigchain_show.ts";
import { sigchainVerify } from "./sigchain_verify.ts";

export * from "./identity_new.ts";
export * from "./log_monitor.ts";
export * from "./log_proof.ts";
export * from "./log_trust.ts";
export * from "./log_verify_proof.ts";
export * from "./sigchain_append.ts";
export * from "./sigchain_check.ts";
export * from "./sigchain_export.ts";
export * from "./sigchain_fetch.ts";
export * from "./sigchain_publish.ts";
export * from "./sigchain_pull.ts";
export * from "./sigchain_show.ts";
export * from "./sigchain_verify.ts";

/**
 * Every command, in the order `kez --help` lists them.
 *
 * @example
 * ```ts
 * import { COMMANDS } from "./mod.ts";
 * if (!COMMANDS.some((c) => c.name === "sigchain publish")) throw new Error("missing");
 * ```
 */
export const COMMANDS: readonly Command[] = [
  identityNew,
  sigchainAdd,
  sigchainRevoke,
  sigchainShow,
  sigchainPublish,
  sigchainPull,
  sigchainFetch,
  sigchainVerify,
  sigchainExport,
  sigchainCheck,
  logTrust,
  logProof,
  logVerifyProof,
  logMonitor,
];
