// The images kept for a rollback (issue 22), read for the Local list each time it arrives: the list's own
// repositories are handed over, so no second listing is asked of the engine. Tracked as app activity (the
// idle signal waits for it); an answer for a list already replaced is dropped.
import { useEffect, useState } from 'react';
import type { LocalRepository } from '../../../domain/images';
import { useActivity } from '../../hooks/activity';
import type { UiServices } from '../../services';
import type { PreviousMap } from './previous';

const EMPTY: PreviousMap = new Map();

export function usePreviousImages(services: UiServices, repos: LocalRepository[] | undefined): { previous: PreviousMap; loading: boolean } {
  const activity = useActivity();
  const [state, setState] = useState<{ for: LocalRepository[] | undefined; previous: PreviousMap }>({ for: undefined, previous: EMPTY });
  const read = services.updates?.previous;
  useEffect(() => {
    if (!repos || !read) return undefined;
    let live = true;
    const answer = read(repos).catch(() => EMPTY);
    void (activity ? activity.track('previous images', answer) : answer).then((previous) => {
      if (live) setState({ for: repos, previous });
    });
    return () => {
      live = false;
    };
  }, [repos, read, activity]);
  // Until the answer for this list is in, the last one is shown (the list rarely changes what was kept).
  return { previous: state.previous, loading: read !== undefined && repos !== undefined && state.for !== repos };
}
