// The key table: every binding of the TUI, as data (DESIGN.md "TUI keys"). Screens handle command
// ids, never key literals; the help overlay and the README table are generated from this table;
// a test rejects a key bound twice in one scope.

export type Scope =
  | 'global'
  | 'depots'
  | 'list'
  | 'local'
  | 'marks'
  | 'tags'
  | 'inspect'
  | 'downloads'
  | 'registries'
  | 'repositories'
  | 'engines'
  | 'filter'
  | 'kept'
  | 'form'
  | 'confirm'
  | 'picker'
  | 'help';

/** Canonical key names: single characters (case matters), or one of these names. */
export type KeyName =
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'pageup'
  | 'pagedown'
  | 'home'
  | 'end'
  | 'enter'
  | 'escape'
  | 'tab'
  | 'shift+tab'
  | 'backspace'
  | 'delete'
  | 'ctrl+c'
  | 'ctrl+l'
  | 'ctrl+f'
  | 'space'
  | (string & {});

/** One line of the table. A screen may mark a command disabled for now, with the reason (see useCommands). */
export interface BindingSpec {
  /** `scope.action`, what screens handle. */
  id: `${Scope}.${string}`;
  scope: Scope;
  keys: readonly KeyName[];
  /** Short label for the footer hints (omit to keep it out of the footer). */
  label?: string;
  description: string;
  /**
   * The handler's update composes (a functional state update): the same key repeated in one burst
   * (`jjjj`) is applied in one commit instead of one commit per key.
   */
  repeat?: true;
}

export const SCOPE_TITLES: Record<Scope, string> = {
  global: 'Anywhere',
  depots: 'Depots',
  list: 'Lists',
  local: 'Local images',
  marks: 'Marked images',
  tags: 'Tags',
  inspect: 'Inspect',
  downloads: 'Downloads',
  registries: 'Registries',
  repositories: 'Saved repositories',
  engines: 'Engines',
  filter: 'Filter field',
  kept: 'A list with a kept filter',
  form: 'Forms',
  confirm: 'Questions',
  picker: 'Choices (the platform of a pull)',
  help: 'Help',
};

// Add a line to add a key: the command id becomes part of CommandId, so a handler's `case` for it
// type-checks (and a typo in one does not).
export const BINDINGS = [
  // anywhere
  { id: 'global.downloads', scope: 'global', keys: ['D'], label: 'downloads', description: 'downloads screen' },
  { id: 'global.registries', scope: 'global', keys: ['R'], label: 'registries', description: 'registries screen' },
  { id: 'global.repositories', scope: 'global', keys: ['E'], label: 'repos', description: 'saved (external) repositories screen' },
  { id: 'global.engines', scope: 'global', keys: ['C'], label: 'engines', description: 'engines screen (Enter switches)' },
  { id: 'global.help', scope: 'global', keys: ['?'], label: 'help', description: 'show this help' },
  { id: 'global.error', scope: 'global', keys: ['e'], description: 'show the whole error message when the banner cuts it (where e is not bound)' },
  { id: 'global.back', scope: 'global', keys: ['escape'], label: 'back', description: 'back / close the field or dialog' },
  { id: 'global.quit', scope: 'global', keys: ['q', 'ctrl+c'], label: 'quit', description: 'quit (downloads go on in the background)' },
  { id: 'global.redraw', scope: 'global', keys: ['ctrl+l'], description: 'redraw the whole screen' },

  // depots
  { id: 'depots.next', scope: 'depots', keys: ['tab'], label: 'depot', description: 'next depot' },
  { id: 'depots.previous', scope: 'depots', keys: ['shift+tab'], description: 'previous depot' },
  { id: 'depots.pick', scope: 'depots', keys: ['1', '2', '3', '4', '5', '6', '7', '8', '9'], description: 'depot by number (Local, Selected, Official, Docker Hub, then private registries)' },

  // every list
  { id: 'list.up', scope: 'list', keys: ['up', 'k'], description: 'move up', repeat: true },
  { id: 'list.down', scope: 'list', keys: ['down', 'j'], description: 'move down', repeat: true },
  { id: 'list.pageUp', scope: 'list', keys: ['pageup'], description: 'page up', repeat: true },
  { id: 'list.pageDown', scope: 'list', keys: ['pagedown'], description: 'page down', repeat: true },
  { id: 'list.first', scope: 'list', keys: ['home', 'g'], description: 'first row' },
  { id: 'list.last', scope: 'list', keys: ['end', 'G'], description: 'last row' },
  { id: 'list.filter', scope: 'list', keys: ['/'], label: 'filter', description: 'filter (local) or search (Docker Hub, private registries)' },
  { id: 'list.open', scope: 'list', keys: ['enter'], label: 'open', description: 'open: tags of a remote image, details of a local one' },
  { id: 'list.inspect', scope: 'list', keys: ['i'], label: 'inspect', description: 'inspect (remote images without pulling)' },
  { id: 'list.pull', scope: 'list', keys: ['p'], label: 'pull', description: 'download (pull) the selected image' },
  { id: 'list.refresh', scope: 'list', keys: ['r'], label: 'refresh', description: 'refresh' },

  // local list
  { id: 'local.delete', scope: 'local', keys: ['d'], label: 'delete', description: 'delete the selected image (asks; one a container uses only with f)' },
  { id: 'local.update', scope: 'local', keys: ['u'], label: 'update', description: 'update the selected image: pull its tag again (asks; offers to remove the old image)' },
  { id: 'local.updatesOnly', scope: 'local', keys: ['U'], label: 'updatable', description: 'show only images with an update (again: all)' },
  { id: 'local.rollback', scope: 'local', keys: ['b'], label: 'roll back', description: 'roll the selected tag back to the image its last update replaced (asks)' },
  { id: 'local.sort', scope: 'local', keys: ['s'], label: 'sort', description: 'sort by name, size, unique size or age (the header shows which)' },
  { id: 'local.mark', scope: 'local', keys: ['space'], label: 'mark', description: 'mark / unmark the selected image (the line over the list says what deleting the marked images frees; d deletes them)' },
  { id: 'local.prune', scope: 'local', keys: ['x'], label: 'prune', description: 'prune: dangling or every unused image, after a preview of the images and the bytes (asks)' },

  // while images are marked on Local
  { id: 'marks.clear', scope: 'marks', keys: ['escape'], label: 'unmark all', description: 'clear the marks' },

  // tags
  { id: 'tags.pull', scope: 'tags', keys: ['p'], label: 'pull', description: 'download the selected tag' },
  { id: 'tags.inspect', scope: 'tags', keys: ['i', 'enter'], label: 'inspect', description: "the selected tag's details" },
  { id: 'tags.versions', scope: 'tags', keys: ['v'], label: 'versions', description: 'which version tags are the same image as latest (a HEAD per candidate tag, at most 12)' },
  { id: 'tags.platform', scope: 'tags', keys: ['P'], label: 'platform', description: 'choose the platform for inspect and pull' },

  // inspect
  { id: 'inspect.up', scope: 'inspect', keys: ['up', 'k'], description: 'scroll up', repeat: true },
  { id: 'inspect.down', scope: 'inspect', keys: ['down', 'j'], description: 'scroll down', repeat: true },
  { id: 'inspect.pageUp', scope: 'inspect', keys: ['pageup'], description: 'page up', repeat: true },
  { id: 'inspect.pageDown', scope: 'inspect', keys: ['pagedown', 'space'], description: 'page down', repeat: true },
  { id: 'inspect.top', scope: 'inspect', keys: ['home', 'g'], description: 'top' },
  { id: 'inspect.bottom', scope: 'inspect', keys: ['end', 'G'], description: 'bottom' },
  { id: 'inspect.pull', scope: 'inspect', keys: ['p'], label: 'pull', description: 'download this image' },

  // downloads
  { id: 'downloads.cancel', scope: 'downloads', keys: ['x'], label: 'cancel', description: 'cancel the selected download (asks)' },
  { id: 'downloads.retry', scope: 'downloads', keys: ['r'], label: 'retry', description: 'retry a failed or cancelled download' },
  { id: 'downloads.clear', scope: 'downloads', keys: ['c'], label: 'clear', description: 'clear the finished downloads from the list (asks)' },
  { id: 'downloads.message', scope: 'downloads', keys: ['e'], label: 'error', description: "the selected download's whole error message" },

  // registries
  { id: 'registries.add', scope: 'registries', keys: ['a'], label: 'add', description: 'add a registry' },
  { id: 'registries.edit', scope: 'registries', keys: ['e', 'enter'], label: 'edit', description: 'edit the selected registry' },
  { id: 'registries.delete', scope: 'registries', keys: ['d'], label: 'delete', description: 'delete the selected registry (asks)' },
  { id: 'registries.test', scope: 'registries', keys: ['t'], label: 'test', description: 'test (ping) the selected registry' },

  // saved repositories
  { id: 'repositories.add', scope: 'repositories', keys: ['a'], label: 'add', description: 'add a saved repository' },
  { id: 'repositories.edit', scope: 'repositories', keys: ['e', 'enter'], label: 'credentials', description: 'update its credentials' },
  { id: 'repositories.delete', scope: 'repositories', keys: ['d'], label: 'remove', description: 'remove it (asks)' },

  // engines
  { id: 'engines.switch', scope: 'engines', keys: ['enter'], label: 'switch', description: 'work on the selected engine (no restart)' },
  { id: 'engines.add', scope: 'engines', keys: ['a'], label: 'add', description: 'add an engine (ssh://, tcp://, unix://)' },
  { id: 'engines.edit', scope: 'engines', keys: ['e'], label: 'edit', description: 'edit the selected saved engine' },
  { id: 'engines.delete', scope: 'engines', keys: ['d'], label: 'delete', description: 'delete the selected saved engine (asks)' },

  // text fields and forms (letter keys type text here)
  { id: 'filter.submit', scope: 'filter', keys: ['enter'], label: 'done', description: 'keep the filter and go back to the list' },
  { id: 'filter.cancel', scope: 'filter', keys: ['escape'], label: 'clear', description: 'clear the filter and close the field' },
  { id: 'kept.clear', scope: 'kept', keys: ['escape'], label: 'clear filter', description: 'clear the kept filter (then Esc goes back)' },
  { id: 'form.next', scope: 'form', keys: ['tab', 'down'], label: 'next field', description: 'next field' },
  { id: 'form.previous', scope: 'form', keys: ['shift+tab', 'up'], description: 'previous field' },
  { id: 'form.submit', scope: 'form', keys: ['enter'], label: 'save', description: 'save (tests the registry first)' },
  { id: 'form.toggle', scope: 'form', keys: ['space'], label: 'toggle', description: 'toggle a switch / change a choice' },
  { id: 'form.cancel', scope: 'form', keys: ['escape'], label: 'cancel', description: 'cancel' },
  { id: 'form.force', scope: 'form', keys: ['ctrl+f'], label: 'save anyway', description: 'save an engine that does not answer now (after Enter said so)' },

  // dialogs
  { id: 'confirm.yes', scope: 'confirm', keys: ['y'], label: 'yes', description: 'yes (Enter does not answer a question)' },
  { id: 'confirm.no', scope: 'confirm', keys: ['n', 'escape'], label: 'no', description: 'no: leave it as it is' },
  { id: 'confirm.force', scope: 'confirm', keys: ['f'], label: 'force', description: 'force, where offered (the only answer that deletes an image a container uses)' },
  { id: 'confirm.all', scope: 'confirm', keys: ['a'], label: 'all', description: 'all, where offered (prune: every unused image, not only the dangling ones)' },

  // a short list of choices over a screen (the platform picker on Tags)
  { id: 'picker.up', scope: 'picker', keys: ['up', 'k'], description: 'previous choice', repeat: true },
  { id: 'picker.down', scope: 'picker', keys: ['down', 'j'], description: 'next choice', repeat: true },
  { id: 'picker.pick', scope: 'picker', keys: ['enter'], label: 'pick', description: 'pick the choice' },
  { id: 'picker.close', scope: 'picker', keys: ['escape'], label: 'close', description: 'close, keeping what was picked before' },

  // help overlay
  { id: 'help.close', scope: 'help', keys: ['escape', '?', 'q'], label: 'close', description: 'close help' },
  { id: 'help.down', scope: 'help', keys: ['down', 'j'], description: 'scroll down', repeat: true },
  { id: 'help.up', scope: 'help', keys: ['up', 'k'], description: 'scroll up', repeat: true },
  { id: 'help.pageDown', scope: 'help', keys: ['pagedown', 'space'], description: 'page down', repeat: true },
  { id: 'help.pageUp', scope: 'help', keys: ['pageup'], description: 'page up', repeat: true },
  { id: 'help.top', scope: 'help', keys: ['home', 'g'], description: 'top' },
  { id: 'help.bottom', scope: 'help', keys: ['end', 'G'], description: 'bottom' },
] as const satisfies readonly BindingSpec[];

/** Every command a screen can handle: `case 'tags.pul':` fails to compile. */
export type CommandId = (typeof BINDINGS)[number]['id'];

/** A binding of the table (tests may build others with the same shape). */
export type Binding = BindingSpec;


/** Keys shown to people: `shift+tab` → `S-Tab`, `pagedown` → `PgDn`. */
export function displayKey(key: KeyName): string {
  const names: Record<string, string> = {
    up: '↑',
    down: '↓',
    left: '←',
    right: '→',
    pageup: 'PgUp',
    pagedown: 'PgDn',
    home: 'Home',
    end: 'End',
    enter: 'Enter',
    escape: 'Esc',
    tab: 'Tab',
    'shift+tab': 'S-Tab',
    backspace: 'Bksp',
    delete: 'Del',
    'ctrl+c': 'Ctrl-C',
    'ctrl+l': 'Ctrl-L',
    'ctrl+f': 'Ctrl-F',
    space: 'Space',
  };
  return names[key] ?? key;
}

/** Like displayKey, in plain ASCII (for terminals that are not UTF-8). */
export function displayKeyAscii(key: KeyName): string {
  const ascii: Record<string, string> = { up: 'Up', down: 'Down', left: 'Left', right: 'Right' };
  return ascii[key] ?? displayKey(key);
}
