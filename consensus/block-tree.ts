// The blocks a replica holds: the committed chain (its newest `retain` blocks, for peers that
// catch up) and the uncommitted tree above it (forks allowed until a commit prunes them). Lookup by
// hash key; a block enters only when its parent is here, so every held block links to the root.
import { bytesEqual } from '../crypto/bytes.js';
import { hashKey } from './block.js';
import type { Block, Hash, Height } from './types.js';

/** Uncommitted blocks kept at most (a Byzantine leader cannot grow memory without bound). */
export const MAX_UNCOMMITTED_BLOCKS = 4096;

export type InsertResult = 'inserted' | 'known' | 'missingParent' | 'belowCommitted' | 'full' | 'badLink';
export type CommitPath = { kind: 'ok'; blocks: Block[] } | { kind: 'missing'; hash: Hash } | { kind: 'conflict' };

export class BlockTree {
  private readonly uncommitted = new Map<string, Block>();
  private readonly committedByKey = new Map<string, Block>();
  private readonly committedByHeight = new Map<Height, Block>();
  private tip: Block;

  constructor(
    root: Block,
    private readonly retain: number,
  ) {
    this.tip = root;
    this.remember(root);
  }

  /** Highest committed block. */
  get committedTip(): Block {
    return this.tip;
  }

  get(hash: Hash): Block | undefined {
    const k = hashKey(hash);
    return this.uncommitted.get(k) ?? this.committedByKey.get(k);
  }

  has(hash: Hash): boolean {
    return this.get(hash) !== undefined;
  }

  committedAt(height: Height): Block | undefined {
    return this.committedByHeight.get(height);
  }

  insert(block: Block): InsertResult {
    const k = hashKey(block.hash);
    if (this.uncommitted.has(k) || this.committedByKey.has(k)) return 'known';
    if (block.height <= this.tip.height) return 'belowCommitted';
    const parent = this.get(block.parent);
    if (parent === undefined) return 'missingParent';
    if (parent.height + 1 !== block.height || parent.view >= block.view) return 'badLink';
    if (this.uncommitted.size >= MAX_UNCOMMITTED_BLOCKS) return 'full';
    this.uncommitted.set(k, block);
    return 'inserted';
  }

  /**
   * The uncommitted blocks from the committed tip (exclusive) up to `target` (inclusive), oldest
   * first, or why not: a block on the way is not held, or `target` does not extend the tip.
   */
  pathFromTip(target: Block): CommitPath {
    const path: Block[] = [];
    let b: Block = target;
    while (b.height > this.tip.height) {
      path.push(b);
      const parent = this.get(b.parent);
      if (parent === undefined) return { kind: 'missing', hash: b.parent };
      b = parent;
    }
    if (!bytesEqual(b.hash, this.tip.hash)) return { kind: 'conflict' };
    return { kind: 'ok', blocks: path.reverse() };
  }

  /** True if `b` is the committed tip or descends from it through held blocks. */
  extendsTip(b: Block): boolean {
    return this.pathFromTip(b).kind === 'ok';
  }

  /** Move `block` (a child of the tip) into the committed chain; prune and return the forks it rules out. */
  commitChild(block: Block): Block[] {
    if (!bytesEqual(block.parent, this.tip.hash) || block.height !== this.tip.height + 1) {
      throw new Error(`BlockTree.commitChild: block at height ${block.height} does not extend the committed tip`);
    }
    this.uncommitted.delete(hashKey(block.hash));
    this.tip = block;
    this.remember(block);
    const pruned: Block[] = [];
    for (const b of this.uncommitted.values()) {
      if (b.height <= block.height) {
        this.uncommitted.delete(hashKey(b.hash));
        pruned.push(b);
      }
    }
    const old = this.committedByHeight.get(block.height - this.retain);
    if (old !== undefined) {
      this.committedByHeight.delete(old.height);
      this.committedByKey.delete(hashKey(old.hash));
    }
    return pruned;
  }

  /** `hash` and up to `max - 1` of its ancestors, oldest first (for a peer's sync request). */
  chainEndingAt(hash: Hash, max: number): Block[] {
    const out: Block[] = [];
    let b = this.get(hash);
    while (b !== undefined && out.length < max && b.height > 0) {
      out.push(b);
      b = this.get(b.parent);
    }
    return out.reverse();
  }

  get uncommittedCount(): number {
    return this.uncommitted.size;
  }

  private remember(b: Block): void {
    this.committedByKey.set(hashKey(b.hash), b);
    this.committedByHeight.set(b.height, b);
  }
}
