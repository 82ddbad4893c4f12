/**
 * Test support: JSON as a tree of exact spellings, so that a fuzzer can write
 * what `JSON.stringify` never does: duplicate members, `1.0` for `1`,
 * escaped keys, odd white space.
 *
 * @module
 */

/** A JSON text as a tree; scalars and member names keep their exact spelling. */
export type JsonTree =
  | { readonly kind: "object"; members: [name: string, value: JsonTree][] }
  | { readonly kind: "array"; items: JsonTree[] }
  | { readonly kind: "scalar"; text: string };

/**
 * The tree of a value, spelled as `JSON.stringify` spells it.
 *
 * @param value anything `JSON.stringify` takes
 * @returns the tree; member names are JSON string literals, quotes included
 *
 * @example
 * ```ts
 * import { render, treeOf } from "./json_tree.ts";
 * if (render(treeOf({ a: [1, "x"] })) !== '{"a":[1,"x"]}') throw new Error("unexpected");
 * ```
 */
export function treeOf(value: unknown): JsonTree {
  if (Array.isArray(value)) return { kind: "array", items: value.map(treeOf) };
  if (value !== null && typeof value === "object") {
    return {
      kind: "object",
      members: Object.entries(value).map(([k, v]) => [JSON.stringify(k), treeOf(v)]),
    };
  }
  return { kind: "scalar", text: JSON.stringify(value) };
}

/**
 * Writes a tree out.
 *
 * @param tree the tree
 * @param space white space to put around each token; none by default
 * @returns the JSON text
 *
 * @example
 * ```ts
 * import { render, treeOf } from "./json_tree.ts";
 * const text = render(treeOf({ a: [1] }), () => " ");
 * if (text === '{"a":[1]}' || JSON.stringify(JSON.parse(text)) !== '{"a":[1]}') throw new Error(text);
 * ```
 */
export function render(tree: JsonTree, space: () => string = () => ""): string {
  // Iterative, so that a tree nested a hundred thousand deep renders too.
  const out: string[] = [];
  const stack: (JsonTree | string)[] = [tree];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === "string") {
      out.push(item);
    } else if (item.kind === "scalar") {
      out.push(space(), item.text, space());
    } else if (item.kind === "array") {
      out.push(space(), "[");
      const parts: (JsonTree | string)[] = [];
      item.items.forEach((child, i) => parts.push(...(i > 0 ? [","] : []), child));
      stack.push(space() + "]", ...parts.reverse());
    } else {
      out.push(space(), "{");
      const parts: (JsonTree | string)[] = [];
      item.members.forEach(([name, child], i) => {
        parts.push(`${i > 0 ? "," : ""}${space()}${name}${space()}:`, child);
      });
      stack.push(space() + "}", ...parts.reverse());
    }
  }
  return out.join("");
}

/** A place in a tree that holds a value, and can be given another. */
export interface Slot {
  /** The value there now. */
  readonly value: JsonTree;
  /** Puts another value there. */
  replace(value: JsonTree): void;
}

/**
 * Every place in a tree, the root first, then depth first.
 *
 * @param root the tree; its root slot replaces nothing, use the returned value instead
 * @returns the slots, and the objects (to add or drop members)
 *
 * @example
 * ```ts
 * import { slotsOf, treeOf } from "./json_tree.ts";
 * const { slots, objects } = slotsOf(treeOf({ a: [1, 2] }));
 * if (slots.length !== 4 || objects.length !== 1) throw new Error("unexpected");
 * ```
 */
export function slotsOf(
  root: JsonTree,
): { slots: Slot[]; objects: Extract<JsonTree, { kind: "object" }>[] } {
  const slots: Slot[] = [{ value: root, replace: () => {} }];
  const objects: Extract<JsonTree, { kind: "object" }>[] = [];
  const todo: JsonTree[] = [root];
  while (todo.length > 0) {
    const node = todo.pop()!;
    if (node.kind === "array") {
      node.items.forEach((child, i) => {
        slots.push({ value: child, replace: (v) => node.items[i] = v });
        todo.push(child);
      });
    } else if (node.kind === "object") {
      objects.push(node);
      node.members.forEach((member, i) => {
        slots.push({ value: member[1], replace: (v) => node.members[i] = [member[0], v] });
        todo.push(member[1]);
      });
    }
  }
  return { slots, objects };
}
