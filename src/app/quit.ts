// Quitting, in one place (the app's `q` and the too-small terminal's): at once when no download runs,
// else one question, since they go on in the background.
import { type Action, now, task } from '../ui/actions/action';
import type { Runner } from '../ui/actions/runner';
import type { ExternalStore } from '../ui/hooks/useStore';
import { goesOn, isActive } from '../ui/screens/downloads/presentation';
import type { DownloadsView } from '../ui/services';

/**
 * `startsOn`: the engine the next start uses; downloads running on others are named (image downloads and D
 * show every engine's).
 */
export function quitAction(store: ExternalStore<DownloadsView>, runner: Runner, onQuit: (downloadsRunning: number) => void, startsOn?: () => string): Action {
  return now(() => {
    // Counted when the key is pressed, not when the footer was drawn.
    const all = store.getSnapshot().downloads;
    const running = all.filter(isActive).length;
    if (running === 0) return onQuit(0);
    void runner.run(
      task({
        question: {
          title: `Quit? ${running} download${running === 1 ? '' : 's'} will go on in the background.`,
          lines: [goesOn(all, startsOn?.()).line],
        },
        run: async () => onQuit(running),
      }),
    );
  });
}
