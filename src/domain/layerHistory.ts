// An image's layer sizes from its history (issue 23): the engine's GET /images/{id}/history gives the bytes of
// each build step, not of each layer, and does not say which steps made no layer. Pure.

/** One history entry as GET /images/{id}/history gives it (newest first). */
export interface HistoryEntry {
  size: number;
  createdBy: string;
}

/**
 * The size of each layer (bottom first) from an image's history. The history has one entry per build step,
 * newest first; the steps that made a layer are, in order, the layers. The engine's history does not say
 * which steps made none (their `empty_layer` is not in the API), so: a step with bytes made a layer; of the
 * steps without bytes, those whose instruction never makes one (ENV, LABEL, CMD…) did not; the others made
 * an empty layer, as many as the layer count needs (RUN, COPY and ADD first, then WORKDIR). Null when the
 * history cannot be matched (too few steps, or more steps with bytes than layers).
 */
export function layerSizesFromHistory(history: readonly HistoryEntry[], layerCount: number): { sizes: number[]; exact: boolean } | null {
  const steps = [...history].reverse();
  if (layerCount === 0) return steps.every((s) => s.size === 0) ? { sizes: [], exact: true } : null;
  const withBytes = steps.filter((s) => s.size > 0).length;
  const empties = layerCount - withBytes;
  if (empties < 0) return null;
  const zero = steps.map((s, i) => ({ i, rank: s.size > 0 ? -1 : emptyRank(s.createdBy) })).filter((z) => z.rank >= 0);
  const candidates = zero.filter((z) => z.rank < METADATA);
  if (candidates.length < empties) return null;
  const chosen = new Set(
    [...candidates]
      .sort((a, b) => a.rank - b.rank || a.i - b.i)
      .slice(0, empties)
      .map((z) => z.i),
  );
  const sizes = steps.filter((s, i) => s.size > 0 || chosen.has(i)).map((s) => s.size);
  // Exact when no choice was made: every step without bytes that may have made a layer did.
  return { sizes, exact: candidates.length === empties };
}

const METADATA = 3;
const NO_LAYER = new Set(['ENV', 'LABEL', 'CMD', 'ENTRYPOINT', 'EXPOSE', 'USER', 'ARG', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL', 'VOLUME', 'ONBUILD', 'MAINTAINER']);

/** 0: makes a layer (RUN, COPY, ADD, anything unknown); 1: WORKDIR (may or may not); 3: never makes one. */
function emptyRank(createdBy: string): number {
  let text = createdBy.trim();
  const nop = /^\/bin\/sh -c #\(nop\)\s*/.exec(text);
  if (nop) text = text.slice(nop[0].length);
  else if (/^(\|\d+ .*?)?\/bin\/sh -c /.test(text)) return 0; // a classic-builder RUN
  const instruction = (/^[A-Za-z]+/.exec(text)?.[0] ?? '').toUpperCase();
  if (NO_LAYER.has(instruction)) return METADATA;
  if (instruction === 'WORKDIR') return 1;
  return 0;
}
