import { fetchJSON } from "../../api";
import { collapse, elkLimit, foldedLimit, hopLayout, type Collapsed, type Position, type SpreadExport } from "./graphData";

// Chain is the spread chain export, and for a chain too large to draw node by
// node its folded graph already laid out, by hop (see hopLayout): a folded
// graph draws no proposals, so its layout need not wait for them.
export interface Chain { full: SpreadExport; folded?: Collapsed; positions?: Map<string, Position> }

declare global {
  // The chain's read that index.html starts for a page opened on /incidents/REF#spread.
  interface Window { leaktrailChain?: { url: string; response: Promise<Response | undefined> } }
}

// readChain reads the chain export, taking the read index.html started when
// it is this chain's; that read is taken once, by the page it was started for
// (it may have been refused, before signing in: then the chain is read again).
async function readChain(url: string): Promise<SpreadExport> {
  const early = window.leaktrailChain;
  window.leaktrailChain = undefined;
  const r = early?.url === url ? await early.response : undefined;
  return r?.ok ? ((await r.json()) as SpreadExport) : fetchJSON<SpreadExport>(url);
}

async function loadChain(reference: string): Promise<Chain> {
  const full = await readChain(`/incidents/${reference}/spread.json`);
  if (full.nodes.length <= elkLimit) return { full };
  const folded = collapse(full, foldedLimit);
  return { full, folded, positions: hopLayout(folded.data) };
}

// A case page opened on its spread section starts reading and laying out the
// chain (preloadChain) before its own query answers and the explorer mounts:
// on a large chain the read and the layout are most of the wait for the graph.
const preloaded = new Map<string, Promise<Chain>>();

export function preloadChain(reference: string): () => void {
  const p = loadChain(reference);
  p.catch(() => {}); // the explorer that takes it reports the failure
  preloaded.set(reference, p);
  // Left by the page before the explorer took it: dropped, never shown stale later.
  return () => { if (preloaded.get(reference) === p) preloaded.delete(reference); };
}

// takeChain is the chain preloaded for this case, once, or else a fresh read.
export function takeChain(reference: string): Promise<Chain> {
  const p = preloaded.get(reference);
  preloaded.delete(reference);
  return p ?? loadChain(reference);
}
