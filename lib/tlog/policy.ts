/**
 * C2SP tlog-policy files (c2sp.org/tlog-policy): the logs, the witnesses
 * (with the URL of their `add-checkpoint` submission prefix, when the policy
 * is a log's) and the quorum of cosignatures a checkpoint needs.
 *
 * @module
 */

import { type CosignerKey, parseCosignerKey } from "./cosignature.ts";
import { parseVerifierKey, type VerifierKey } from "./verifier_key.ts";

/** A log of a policy. */
export interface PolicyLog {
  /** The log's verifier key, whose name is its origin. */
  readonly key: VerifierKey;
  /** Where to reach it, when the policy says. */
  readonly url: string | null;
}

/** A witness of a policy. */
export interface PolicyWitness {
  /** Its name in the policy, for groups and the quorum. */
  readonly name: string;
  /** Its `cosignature/v1` key. */
  readonly key: CosignerKey;
  /** Its submission prefix, when the policy says. */
  readonly url: string | null;
}

/** The rule that decides whether a set of cosigners is enough. */
export type QuorumRule =
  | { readonly kind: "witness"; readonly name: string }
  | {
    readonly kind: "group";
    readonly name: string;
    /** How many of the members must have witnessed. */
    readonly threshold: number;
    readonly members: readonly QuorumRule[];
  };

/** A parsed policy. */
export interface Policy {
  /** The logs, any one of which may sign a checkpoint. */
  readonly logs: readonly PolicyLog[];
  /** The witnesses, by name. */
  readonly witnesses: readonly PolicyWitness[];
  /** The quorum; null for `quorum none`. */
  readonly quorum: QuorumRule | null;
}

/** The least of each item this parser takes, as the specification recommends. */
const MAX_ITEMS = 32;

/**
 * Parses a policy file. Names are opaque; groups and the quorum may name
 * only what lines above them defined; no key is listed twice; exactly one
 * quorum line.
 *
 * @param text the policy file
 * @returns the policy
 * @throws {SyntaxError} naming the line, if the policy is malformed
 *
 * @example
 * ```ts
 * import { parsePolicy, quorumMet } from "./policy.ts";
 * const policy = parsePolicy([
 *   "log example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
 *   "witness W remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2 https://w.example",
 *   "group G any W",
 *   "quorum G",
 * ].join("\n") + "\n");
 * if (policy.witnesses[0]?.url !== "https://w.example") throw new Error("url");
 * if (!quorumMet(policy, new Set(["W"])) || quorumMet(policy, new Set())) throw new Error("quorum");
 * ```
 */
export function parsePolicy(text: string): Policy {
  const logs: PolicyLog[] = [];
  const witnesses: PolicyWitness[] = [];
  const rules = new Map<string, QuorumRule>();
  const keys = new Set<string>();
  let quorum: QuorumRule | null | undefined;
  let groups = 0;
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x08\x0b-\x1f\x7f]/.test(text)) {
    throw new SyntaxError("A policy has no control characters but tabs and newlines");
  }
  text.split("\n").forEach((raw, i) => {
    const bad = (why: string) => new SyntaxError(`Policy line ${i + 1}: ${why}`);
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const [word, ...args] = line.split(/[ \t]+/);
    const unique = (publicKey: Uint8Array) => {
      const hex = publicKey.join(",");
      if (keys.has(hex)) throw bad("this key is listed twice");
      keys.add(hex);
    };
    const parse = <T>(f: () => T): T => {
      try {
        return f();
      } catch (e) {
        throw bad((e as Error).message);
      }
    };
    switch (word) {
      case "log": {
        if (args.length < 1 || args.length > 2) throw bad("expected log <vkey> [<url>]");
        const key = parse(() => parseVerifierKey(args[0]!));
        unique(key.publicKey);
        logs.push({ key, url: args[1] ?? null });
        break;
      }
      case "witness": {
        if (args.length < 2 || args.length > 3) throw bad("expected witness <name> <vkey> [<url>]");
        const name = args[0]!;
        if (name === "none" || rules.has(name)) throw bad(`the name ${name} is taken`);
        const key = parse(() => parseCosignerKey(args[1]!));
        unique(key.publicKey);
        witnesses.push({ name, key, url: args[2] ?? null });
        rules.set(name, { kind: "witness", name });
        break;
      }
      case "group": {
        const [name = "", k = "", ...names] = args;
        if (names.length === 0) throw bad("expected group <name> all|any|<k> <name>...");
        if (name === "none" || rules.has(name)) throw bad(`the name ${name} is taken`);
        if (new Set(names).size !== names.length) throw bad("a member is listed twice");
        const members = names.map((n) => {
          const rule = rules.get(n);
          if (rule === undefined) throw bad(`${n} is not defined above`);
          return rule;
        });
        const threshold = k === "all" ? members.length : k === "any" ? 1 : Number(k);
        if (!/^(all|any|[1-9][0-9]*)$/.test(k) || threshold > members.length) {
          throw bad(`the threshold ${k} is not all, any, or 1 to ${members.length}`);
        }
        rules.set(name, { kind: "group", name, threshold, members });
        groups++;
        break;
      }
      case "quorum": {
        if (args.length !== 1) throw bad("expected quorum <name>");
        if (quorum !== undefined) throw bad("a policy has one quorum line");
        if (args[0] === "none") quorum = null;
        else {
          const rule = rules.get(args[0]!);
          if (rule === undefined) throw bad(`${args[0]} is not defined above`);
          quorum = rule;
        }
        break;
      }
      default:
        throw bad(`unknown keyword ${JSON.stringify(word)}`);
    }
    if (logs.length > MAX_ITEMS || witnesses.length > MAX_ITEMS || groups > MAX_ITEMS) {
      throw bad(`at most ${MAX_ITEMS} logs, witnesses and groups`);
    }
  });
  if (quorum === undefined) throw new SyntaxError("A policy needs a quorum line");
  return { logs, witnesses, quorum };
}

/**
 * Tells whether the witnesses that cosigned meet a policy's quorum.
 *
 * @param policy the policy
 * @param cosigned the names of the witnesses whose cosignatures verified
 * @returns true when the quorum is met (always, for `quorum none`)
 *
 * @example
 * ```ts
 * import { parsePolicy, quorumMet } from "./policy.ts";
 * const none = parsePolicy("quorum none\n");
 * if (!quorumMet(none, new Set())) throw new Error("quorum none is always met");
 * ```
 */
export function quorumMet(policy: Policy, cosigned: ReadonlySet<string>): boolean {
  const met = (rule: QuorumRule): boolean =>
    rule.kind === "witness"
      ? cosigned.has(rule.name)
      : rule.members.filter(met).length >= rule.threshold;
  return policy.quorum === null || met(policy.quorum);
}
