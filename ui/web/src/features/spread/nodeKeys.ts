// Choosing the person or venue of a forward: people and venues are matched by
// key alone, so the form picks an existing node by its key, or creates a new
// one under a fresh key, never a node found by its name.

export interface PickableNode { key: string; name: string; kind: string; exposure?: string }

// Pick is a node chosen in the form: one recorded before, or a new one.
export interface Pick extends PickableNode { isNew: boolean }

// New people are keyed `p:<name>`, new venues `v:<name>` whatever their kind,
// so the key shown while the kind is still being chosen is the one recorded.
export const keyPrefix = (person: boolean) => (person ? "p:" : "v:");

// freshKey is the key for a new node named name: `p:王某`, or `p:王某-2`,
// `p:王某-3`, … when that is taken.
export function freshKey(person: boolean, name: string, taken: ReadonlySet<string>): string {
  const base = keyPrefix(person) + name.trim();
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) {
    if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
  }
}

// matching are the nodes whose name or key holds the query, ignoring case,
// those whose name is the query first, at most limit of them.
export function matching<T extends PickableNode>(nodes: readonly T[], query: string, limit = 50): T[] {
  const q = query.trim().toLowerCase();
  if (q === "") return nodes.slice(0, limit);
  const hits = nodes.filter((n) => n.name.toLowerCase().includes(q) || n.key.toLowerCase().includes(q));
  const exact = (n: T) => (n.name.toLowerCase() === q ? 0 : 1);
  return hits.sort((a, b) => exact(a) - exact(b)).slice(0, limit);
}
