// View model of the Downloads screen: every download of every session, running first then the
// history, filtered with `/`; x cancels (asks), r retries, c clears the finished ones (asks), e opens
// the selected one's whole error.
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import type { DownloadSnapshot } from '../../../domain/images';
import { type Actions, disabled, now, task, withItem } from '../../actions/action';
import { useScreenCommands } from '../../actions/runner';
import type { BannerMessage } from '../../components/ErrorBanner';
import { listActions, useFilteredList } from '../../hooks/useFilteredList';
import { type ExternalStore, useStoreSelector } from '../../hooks/useStore';
import type { DownloadsView, UiServices } from '../../services';
import { isActive, orderDownloads } from './presentation';

const id = (d: DownloadSnapshot) => d.id;
const haystack = (d: DownloadSnapshot & { engine?: string }) => [d.name, d.ref, d.status, d.platform ?? '', d.engine ?? ''];
const identity = (v: DownloadsView): DownloadsView => v;

export interface DownloadsScreenActions {
  /** Failed downloads the user has now seen (the status bar stops counting them). */
  seenFailed?(ids: readonly string[]): void;
  /** Opens a message whole (the `e` pane of the banner). */
  showMessage?(message: BannerMessage): void;
}

export function useDownloadsScreen(props: { services: UiServices; store: ExternalStore<DownloadsView>; active: boolean; listHeight: number; started?: string | null; actions: DownloadsScreenActions }) {
  const { services, store, active, listHeight, started = null, actions: app } = props;
  // Subscribed here, only while on show: a progress tick re-renders this screen, not the app. The
  // store is the app's sampled one (progress at most every half second, a status change at once).
  const view = useStoreSelector(store, identity, active);
  const { active: running, history } = useMemo(() => orderDownloads(view.downloads), [view.downloads]);
  const rows = useMemo(() => [...running, ...history], [running, history]);
  const list = useFilteredList({ rows, id, haystack, height: listHeight, active });
  const selected = list.selected;
  // The download this session started last is the one to watch: selected once, when it is first listed here
  // (with `pD` typed ahead the screen is on show before the worker has it). Other new rows (another session,
  // the CLI) do not take the selection from the row the user is on.
  const followed = useRef<string | null>(null);
  const { select } = list.cursor;
  const startedListed = started !== null && list.shown.some((d) => d.id === started);
  // (Before the frame is written: the row comes selected, not a frame later.)
  useLayoutEffect(() => {
    if (!startedListed || started === null || followed.current === started) return;
    followed.current = started;
    select(started);
  }, [started, startedListed, select]);
  const finished = history.length;

  const actions: Actions = {
    ...listActions(list, rows.length ? 'no download matches the filter' : 'no downloads yet'),
    'downloads.cancel': withItem(selected, 'no download to cancel', (d) =>
      !isActive(d)
        ? disabled(`${d.name} is not running`)
        : task({
            question: { title: `Cancel ${d.name}?`, lines: [`${d.percent === null ? 'not started' : `${d.percent}% done`}; it stops for every session (r retries it later)`], destroys: true },
            run: () => services.downloads.cancel(d.id),
            success: () => ({ kind: 'info', text: `cancelled ${d.name}` }),
          }),
    ),
    'downloads.retry': withItem(selected, 'no download to retry', (d) =>
      d.status !== 'failed' && d.status !== 'cancelled'
        ? disabled('only a failed or cancelled download can be retried')
        : task({ run: () => services.downloads.retry(d.id), success: () => ({ kind: 'info', text: `retrying ${d.name}` }) }),
    ),
    'downloads.clear':
      finished === 0
        ? disabled('nothing finished to clear')
        : task({
            question: { title: `Clear ${finished} finished download${finished === 1 ? '' : 's'} from the list?`, lines: ['for every session; the images stay on the engine'], destroys: true },
            run: () => services.downloads.clear(),
            success: (n) => ({ kind: 'info', text: n ? `cleared ${n} finished download${n === 1 ? '' : 's'}` : 'nothing finished to clear' }),
          }),
    'downloads.message': withItem(selected, 'no download selected', (d) =>
      d.error ? now(() => app.showMessage?.({ kind: 'error', text: `${d.name}: ${d.error}` })) : disabled('no error message for this download'),
    ),
  };
  useScreenCommands(['downloads', 'list'], actions, { active, onPaste: list.field.paste });

  // Failed downloads shown here have been seen: the status bar stops counting them.
  const failedKey = history
    .filter((d) => d.status === 'failed')
    .map((d) => d.id)
    .join(' ');
  const { seenFailed } = app;
  useEffect(() => {
    if (active && failedKey) seenFailed?.(failedKey.split(' '));
  }, [active, failedKey, seenFailed]);

  return { view, rows, list, selected };
}
