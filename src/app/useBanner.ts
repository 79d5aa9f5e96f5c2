// The banner line: what the last action said, warnings that stop nothing (an engine out of reach while
// searching), and "downloading X" while X downloads (it goes when that download ends). `e` opens a cut
// message whole.
import { useCallback, useEffect, useState } from 'react';
import type { BannerMessage } from '../ui/components/ErrorBanner';
import { type ExternalStore, useStoreSelector } from '../ui/hooks/useStore';
import { type DownloadsView, type UiServices, appWords } from '../ui/services';
import { isActive } from '../ui/screens/downloads/presentation';

export interface Banner {
  message: BannerMessage | null;
  set(message: BannerMessage | null): void;
  /** The banner says "downloading REF…": it goes when that download ends. */
  follow(ref: string): void;
  /** The message opened whole (`e`). */
  open: boolean;
  setOpen(open: boolean): void;
}

export function useBanner(services: UiServices, store: ExternalStore<DownloadsView>): Banner {
  const [message, setMessage] = useState<BannerMessage | null>(null);
  const [open, setOpen] = useState(false);
  // Warnings (engine unreachable while searching…) go to the banner, never onto the screen.
  useEffect(() => services.warnings.subscribe((text) => setMessage({ kind: 'warning', text: appWords(text) })), [services]);

  // The "downloading X" banner goes when X's download ends (after it was seen running).
  const [watched, setWatched] = useState<{ ref: string; seenActive: boolean } | null>(null);
  const ref = watched?.ref ?? null;
  const running = useStoreSelector(store, (v) => ref !== null && v.downloads.some((d) => isActive(d) && (d.name === ref || d.ref === ref)), ref !== null);
  useEffect(() => {
    if (!watched) return;
    if (running) {
      if (!watched.seenActive) setWatched({ ...watched, seenActive: true });
    } else if (watched.seenActive) {
      setMessage((m) => (m?.kind === 'info' && m.text.startsWith(`downloading ${watched.ref}`) ? null : m));
      setWatched(null);
    }
  }, [watched, running]);

  // Whatever a screen or an action says (a service's warning, an error) is said in the app's words.
  const set = useCallback((next: BannerMessage | null) => setMessage(next && { ...next, text: appWords(next.text) }), []);
  const follow = useCallback((r: string) => setWatched({ ref: r, seenActive: false }), []);
  return { message, set, follow, open, setOpen };
}
