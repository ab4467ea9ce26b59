/**
 * OrderedMap: a sorted map from numeric keys to values (a treap: a binary search tree balanced by random
 * heap priorities). The reassembler keeps out-of-order segments in it keyed by stream offset, so that
 * any arrival order — 10^5 segments in reverse included — costs O(log n) per segment instead of the
 * O(n) array splice a sorted array would need.
 *
 * Only the operations the reassembler needs: insert, delete, min, floor (greatest key ≤ k), ceiling
 * (least key ≥ k). Depth is O(log n) in expectation, so the recursive helpers cannot overflow the stack.
 */

interface Node<V> {
  key: number;
  value: V;
  priority: number;
  left: Node<V> | null;
  right: Node<V> | null;
}

/** Entry is a key and its value. */
export interface Entry<V> {
  key: number;
  value: V;
}

// A small xorshift generator: deterministic (reproducible tests) and cheaper than Math.random.
let seed = 0x9e3779b9;
function nextPriority(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}

function rotateRight<V>(n: Node<V>): Node<V> {
  const l = n.left!;
  n.left = l.right;
  l.right = n;
  return l;
}

function rotateLeft<V>(n: Node<V>): Node<V> {
  const r = n.right!;
  n.right = r.left;
  r.left = n;
  return r;
}

/** OrderedMap maps numbers to values in key order. */
export class OrderedMap<V> {
  private root: Node<V> | null = null;
  private count = 0;

  /** size is the number of entries. */
  get size(): number {
    return this.count;
  }

  /** set inserts or replaces the value of `key`. */
  set(key: number, value: V): void {
    this.root = this.insert(this.root, key, value);
  }

  private insert(n: Node<V> | null, key: number, value: V): Node<V> {
    if (n === null) {
      this.count++;
      return { key, value, priority: nextPriority(), left: null, right: null };
    }
    if (key === n.key) {
      n.value = value;
    } else if (key < n.key) {
      n.left = this.insert(n.left, key, value);
      if (n.left.priority > n.priority) n = rotateRight(n);
    } else {
      n.right = this.insert(n.right, key, value);
      if (n.right.priority > n.priority) n = rotateLeft(n);
    }
    return n;
  }

  /** delete removes `key`; returns whether it was present. */
  delete(key: number): boolean {
    const before = this.count;
    this.root = this.remove(this.root, key);
    return this.count < before;
  }

  private remove(n: Node<V> | null, key: number): Node<V> | null {
    if (n === null) return null;
    if (key < n.key) {
      n.left = this.remove(n.left, key);
      return n;
    }
    if (key > n.key) {
      n.right = this.remove(n.right, key);
      return n;
    }
    if (n.left === null) {
      this.count--;
      return n.right;
    }
    if (n.right === null) {
      this.count--;
      return n.left;
    }
    if (n.left.priority > n.right.priority) {
      n = rotateRight(n);
      n.right = this.remove(n.right, key);
    } else {
      n = rotateLeft(n);
      n.left = this.remove(n.left, key);
    }
    return n;
  }

  /** get returns the value of `key`. */
  get(key: number): V | undefined {
    let n = this.root;
    while (n !== null) {
      if (key === n.key) return n.value;
      n = key < n.key ? n.left : n.right;
    }
    return undefined;
  }

  /** min returns the entry with the smallest key. */
  min(): Entry<V> | undefined {
    let n = this.root;
    if (n === null) return undefined;
    while (n.left !== null) n = n.left;
    return { key: n.key, value: n.value };
  }

  /** floor returns the entry with the greatest key ≤ `key`. */
  floor(key: number): Entry<V> | undefined {
    let n = this.root;
    let best: Node<V> | null = null;
    while (n !== null) {
      if (n.key === key) return { key: n.key, value: n.value };
      if (n.key < key) {
        best = n;
        n = n.right;
      } else {
        n = n.left;
      }
    }
    return best === null ? undefined : { key: best.key, value: best.value };
  }

  /** ceiling returns the entry with the least key ≥ `key`. */
  ceiling(key: number): Entry<V> | undefined {
    let n = this.root;
    let best: Node<V> | null = null;
    while (n !== null) {
      if (n.key === key) return { key: n.key, value: n.value };
      if (n.key > key) {
        best = n;
        n = n.left;
      } else {
        n = n.right;
      }
    }
    return best === null ? undefined : { key: best.key, value: best.value };
  }

  /** clear removes every entry. */
  clear(): void {
    this.root = null;
    this.count = 0;
  }

  /** entries lists every entry in key order (iterative: no recursion on degenerate input). */
  entries(): Entry<V>[] {
    const out: Entry<V>[] = [];
    const stack: Node<V>[] = [];
    let n = this.root;
    while (n !== null || stack.length > 0) {
      while (n !== null) {
        stack.push(n);
        n = n.left;
      }
      const top = stack.pop()!;
      out.push({ key: top.key, value: top.value });
      n = top.right;
    }
    return out;
  }
}
