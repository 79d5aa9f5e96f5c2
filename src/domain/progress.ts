// Folding the engine's pull progress stream (POST /images/create) into one view per download:
// per-layer state, an integer percent that never goes down, byte totals, speed and ETA.
// Both stream variants are understood (PROTOCOLS.md §4): the classic store (Downloading and Extracting
// with byte counts) and the containerd store (hidecounts on Download complete / Already exists /
// Pull complete; Extracting with elapsed seconds, units "s", and no total). The pre-formatted
// `progress` string is never read. Any `error` / `errorDetail` is a failure, even after HTTP 200.
import { sanitizeLine } from './sanitize';

/** One line of the stream, narrowed from unknown JSON. */
export interface PullEvent {
  status: string | null;
  id: string | null;
  current: number | null;
  total: number | null;
  hidecounts: boolean;
  /** `"s"` for the containerd store's elapsed-seconds Extracting; null for bytes. */
  units: string | null;
  /** errorDetail.message, else error: the engine's message when the pull failed. */
  error: string | null;
}

/** Narrows one decoded JSON line; null when it is not an object. */
export function parsePullEvent(raw: unknown): PullEvent | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const r = raw as Record<string, unknown>;
  const detail = isRecord(r.progressDetail) ? r.progressDetail : {};
  const errorDetail = isRecord(r.errorDetail) ? r.errorDetail : undefined;
  const errorText =
    (errorDetail && typeof errorDetail.message === 'string' && errorDetail.message) ||
    (typeof r.error === 'string' && r.error) ||
    (errorDetail || r.error !== undefined ? 'the engine reported an error without a message' : null);
  return {
    status: typeof r.status === 'string' ? r.status : null,
    id: typeof r.id === 'string' ? r.id : null,
    current: finite(detail.current),
    total: finite(detail.total),
    hidecounts: detail.hidecounts === true,
    units: typeof detail.units === 'string' && detail.units ? detail.units : null,
    error: errorText ? sanitizeLine(errorText) : null,
  };
}

type Phase = 'waiting' | 'downloading' | 'downloaded' | 'extracting' | 'done';

interface LayerState {
  id: string;
  status: string;
  phase: Phase;
  /** Compressed size, once the engine said (Downloading total). */
  size: number | null;
  downloaded: number;
  /** Extraction counts (classic store: bytes with a total; containerd: seconds, no total). */
  extractCurrent: number | null;
  extractTotal: number | null;
  extractUnits: string | null;
  /** Already on the engine: counts as done and weighs nothing. */
  exists: boolean;
}

/** The folded view: what a snapshot shows. */
export interface PullView {
  /** Integer 0–100 that never goes down, or null while no layer total is known. */
  percent: number | null;
  phase: 'downloading' | 'extracting';
  /** The engine's last status text (sanitised). */
  detail: string;
  /** Bytes downloaded over layers with a known size, and the sum of those sizes (null while none known). */
  current: number | null;
  total: number | null;
  /** Estimated bytes still to download (unknown sizes estimated by the average known size). */
  remaining: number | null;
  /** Layers (not already on the engine) whose size is not known: while any, `total` is what is known so far. */
  unsized: number;
  layers: Array<{ id: string; status: string; current: number | null; total: number | null }>;
  digest: string | null;
  error: string | null;
}

/** Share of a layer's progress that is the download; the rest is the extraction. */
const DOWNLOAD_WEIGHT = 0.8;

const LAYER_STATUSES: Record<string, Phase | 'exists' | 'keep'> = {
  'Pulling fs layer': 'waiting',
  Waiting: 'waiting',
  Downloading: 'downloading',
  'Verifying Checksum': 'downloaded',
  'Download complete': 'downloaded',
  Extracting: 'extracting',
  'Pull complete': 'done',
  'Already exists': 'exists',
};

const PHASE_ORDER: Record<Phase, number> = { waiting: 0, downloading: 1, downloaded: 2, extracting: 3, done: 4 };

/** Folds the events of one pull. Mutable on purpose: it sees every event, the world sees its views. */
export class PullFold {
  private readonly layers = new Map<string, LayerState>();
  private detail = '';
  private digest: string | null = null;
  private error: string | null = null;
  private floor: number | null = null;
  private completed = false;

  apply(event: PullEvent): void {
    if (event.error) {
      this.error = event.error;
      this.detail = event.error;
      return;
    }
    const status = event.status ?? '';
    if (event.id && this.applyLayer(event.id, status, event)) {
      this.detail = sanitizeLine(`${event.id}: ${status}`);
      return;
    }
    if (status.startsWith('Digest: ')) this.digest = sanitizeLine(status.slice('Digest: '.length));
    if (status) this.detail = sanitizeLine(status);
  }

  /** The stream ended without an error: everything is done. */
  complete(): void {
    this.completed = true;
    for (const layer of this.layers.values()) {
      if (!layer.exists) layer.phase = 'done';
    }
  }

  get failed(): string | null {
    return this.error;
  }

  view(): PullView {
    let weighted = 0;
    let weightSum = 0;
    let current = 0;
    let total = 0;
    let known = 0;
    let remaining = 0;
    let unsized = 0;
    let active = false;
    let extracting = false;
    const sized = [...this.layers.values()].filter((l) => !l.exists && l.size !== null);
    const average = sized.length > 0 ? sized.reduce((sum, l) => sum + (l.size ?? 0), 0) / sized.length : null;
    for (const layer of this.layers.values()) {
      if (layer.exists) continue;
      if (layer.phase === 'waiting' || layer.phase === 'downloading') active = true;
      if (layer.phase === 'downloaded' || layer.phase === 'extracting') extracting = true;
      const downloaded = PHASE_ORDER[layer.phase] >= PHASE_ORDER.downloaded ? (layer.size ?? 0) : layer.downloaded;
      if (layer.size === null) unsized++;
      if (layer.size !== null) {
        known++;
        total += layer.size;
        current += Math.min(downloaded, layer.size);
      }
      const weight = layer.size ?? average;
      if (weight === null) continue;
      weightSum += weight;
      weighted += weight * fraction(layer);
      remaining += Math.max(0, weight - (layer.size === null ? 0 : Math.min(downloaded, layer.size)));
    }
    let percent: number | null = null;
    if (this.completed) percent = 100;
    else if (weightSum > 0) percent = Math.min(99, Math.floor((weighted / weightSum) * 100));
    if (percent !== null) this.floor = Math.max(this.floor ?? 0, percent);
    return {
      percent: this.floor,
      phase: !active && extracting ? 'extracting' : 'downloading',
      detail: this.detail,
      current: known > 0 ? current : null,
      total: known > 0 ? total : null,
      remaining: weightSum > 0 ? remaining : null,
      unsized: this.completed ? 0 : unsized,
      layers: [...this.layers.values()].map(layerView),
      digest: this.digest,
      error: this.error,
    };
  }

  /** Returns false when the event is not about a layer (`Pulling from …` carries the tag as id). */
  private applyLayer(id: string, status: string, event: PullEvent): boolean {
    const kind = LAYER_STATUSES[status] ?? (status.startsWith('Retrying in') ? 'keep' : undefined);
    if (kind === undefined) return false;
    let layer = this.layers.get(id);
    if (!layer) {
      layer = { id, status, phase: 'waiting', size: null, downloaded: 0, extractCurrent: null, extractTotal: null, extractUnits: null, exists: false };
      this.layers.set(id, layer);
    }
    layer.status = status;
    if (kind === 'exists') {
      layer.exists = true;
      layer.phase = 'done';
      return true;
    }
    if (kind === 'keep') return true;
    // A layer never goes back a phase (a retry restarts its download, not its progress here).
    if (PHASE_ORDER[kind] > PHASE_ORDER[layer.phase]) layer.phase = kind;
    if (kind === 'downloading' && !event.hidecounts) {
      if (event.total !== null && event.total > 0) layer.size = event.total;
      if (event.current !== null) layer.downloaded = Math.max(layer.downloaded, event.current);
    }
    if (kind === 'extracting' && !event.hidecounts) {
      layer.extractCurrent = event.current;
      layer.extractUnits = event.units;
      layer.extractTotal = event.units === null && event.total !== null && event.total > 0 ? event.total : null;
      // Classic extraction counts the same compressed bytes: a size we did not see while downloading.
      if (layer.size === null && layer.extractTotal !== null) layer.size = layer.extractTotal;
    }
    return true;
  }
}

function fraction(layer: LayerState): number {
  switch (layer.phase) {
    case 'waiting':
      return 0;
    case 'downloading':
      return layer.size ? DOWNLOAD_WEIGHT * Math.min(1, layer.downloaded / layer.size) : 0;
    case 'downloaded':
      return DOWNLOAD_WEIGHT;
    case 'extracting': {
      const extracted = layer.extractTotal && layer.extractCurrent !== null ? Math.min(1, layer.extractCurrent / layer.extractTotal) : 0;
      return DOWNLOAD_WEIGHT + (1 - DOWNLOAD_WEIGHT) * extracted;
    }
    case 'done':
      return 1;
  }
}

function layerView(layer: LayerState): { id: string; status: string; current: number | null; total: number | null } {
  const base = { id: sanitizeLine(layer.id), status: sanitizeLine(layer.status) };
  if (layer.exists || layer.phase === 'done') return { ...base, current: null, total: null };
  if (layer.phase === 'extracting') {
    // Seconds (containerd store) are not bytes: no counts then.
    return layer.extractUnits === null ? { ...base, current: layer.extractCurrent, total: layer.extractTotal } : { ...base, current: null, total: null };
  }
  if (layer.phase === 'downloaded') return { ...base, current: layer.size, total: layer.size };
  return { ...base, current: layer.size === null ? null : layer.downloaded, total: layer.size };
}

/**
 * Download speed, smoothed: an exponential moving average of the rate between samples at least
 * `minIntervalMs` apart, with time constant `tauMs`.
 */
export class RateMeter {
  private lastBytes: number | null = null;
  private lastAt = 0;
  private rate: number | null = null;

  constructor(
    private readonly tauMs = 2000,
    private readonly minIntervalMs = 250,
  ) {}

  sample(bytes: number, nowMs: number): void {
    if (this.lastBytes === null) {
      this.lastBytes = bytes;
      this.lastAt = nowMs;
      return;
    }
    const dt = nowMs - this.lastAt;
    if (dt < this.minIntervalMs) return;
    const instant = (Math.max(0, bytes - this.lastBytes) * 1000) / dt;
    const alpha = 1 - Math.exp(-dt / this.tauMs);
    this.rate = this.rate === null ? instant : this.rate + alpha * (instant - this.rate);
    this.lastBytes = bytes;
    this.lastAt = nowMs;
  }

  /** Bytes per second, or null before two samples. */
  get bytesPerSecond(): number | null {
    return this.rate === null ? null : Math.round(this.rate);
  }

  /** Seconds to move `remaining` bytes at the current rate, or null when unknown. */
  eta(remaining: number | null): number | null {
    if (remaining === null || this.rate === null || this.rate <= 0) return null;
    return Math.ceil(remaining / this.rate);
  }
}

function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
