/**
 * A tree of configuration keys. A section's keys are validated one by one; the other kinds end the
 * validation: `leaf` is a scalar, `map` an open-ended map whose keys are the user's (labels,
 * headers), `list` a list whose items are not checked, `any` a value whose shape varies.
 */
export type KeyKind = 'leaf' | 'map' | 'list' | 'any';

export interface KeySection {
  readonly [key: string]: KeyNode;
}

export type KeyNode = KeyKind | KeySection;

export function isSection(node: KeyNode | undefined): node is KeySection {
  return typeof node === 'object';
}

/** Merges trees into a new one; a section wins over a terminal kind, the first terminal wins. */
export function mergeKeyTrees(...trees: readonly KeySection[]): KeySection {
  const out: Record<string, KeyNode> = {};
  for (const tree of trees) {
    for (const [key, node] of Object.entries(tree)) {
      const have = out[key];
      if (isSection(node)) out[key] = mergeKeyTrees(isSection(have) ? have : {}, node);
      else if (have === undefined) out[key] = node;
    }
  }
  return out;
}

/** Replaces the node at a dotted path (whose parents must be sections) in a new tree. */
export function replaceKeyNode(tree: KeySection, path: string, node: KeyNode): KeySection {
  const [head = '', ...rest] = path.split('.');
  const child = tree[head];
  const replaced =
    rest.length === 0 ? node : replaceKeyNode(isSection(child) ? child : {}, rest.join('.'), node);
  return { ...tree, [head]: replaced };
}
