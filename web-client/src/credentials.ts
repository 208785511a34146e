// Where the access key lives. It arrives in the link that is put on a wall
// screen, but is moved into sessionStorage at once so it does not linger in the
// address bar, screenshots or browser history.

const STORAGE_KEY = 'orleans-align.api-key';

// sessionStorage can throw (storage disabled, sandboxed frames); the page must
// still work for the current visit, so the key is also kept in memory.
let memoryKey: string | null = null;

export function loadKey(): string | null {
  try {
    const stored = sessionStorage.getItem(STORAGE_KEY);
    if (stored) return stored;
  } catch {
    // fall through to the in-memory copy
  }
  return memoryKey;
}

export function saveKey(key: string): void {
  memoryKey = key;
  try {
    sessionStorage.setItem(STORAGE_KEY, key);
  } catch {
    // in-memory copy is enough for this visit
  }
}

export function forgetKey(): void {
  memoryKey = null;
  memoryLink = null;
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored, nothing to forget
  }
  try {
    localStorage.removeItem(LINK_STORAGE_KEY);
  } catch {
    // nothing stored, nothing to forget
  }
}

// A wall-screen board link (`bl_...`) reads one board and nothing else, so it
// is kept in localStorage with its board: a kiosk that reboots and restores the
// page (without the key, which was taken out of the address bar) opens it again.
const LINK_STORAGE_KEY = 'orleans-align.board-link';

export interface BoardLink {
  link: string;
  board: string;
}

let memoryLink: BoardLink | null = null;

export function isBoardLink(key: string | null): boolean {
  return key !== null && key.startsWith('bl_');
}

export function loadBoardLink(): BoardLink | null {
  try {
    const stored = localStorage.getItem(LINK_STORAGE_KEY);
    if (stored) {
      const parsed = JSON.parse(stored) as Partial<BoardLink>;
      if (typeof parsed.link === 'string' && typeof parsed.board === 'string') return { link: parsed.link, board: parsed.board };
    }
  } catch {
    // fall through to the in-memory copy
  }
  return memoryLink;
}

/** Keeps an API key for this visit, or a board link (with its board) across restarts; the newest wins. */
export function saveCredential(key: string, board: string): void {
  forgetKey();
  if (!isBoardLink(key)) return saveKey(key);
  memoryLink = { link: key, board };
  try {
    localStorage.setItem(LINK_STORAGE_KEY, JSON.stringify(memoryLink));
  } catch {
    // in-memory copy is enough for this visit
  }
}

/**
 * Takes `key` out of the query string (storing it: an API key for the visit, a
 * board link with the URL's board) and leaves every other parameter, notably
 * `board`, in place.
 */
export function takeKeyFromUrl(): void {
  const url = new URL(window.location.href);
  const key = url.searchParams.get('key');
  if (key === null) return;
  if (key.trim() !== '') saveCredential(key.trim(), url.searchParams.get('board')?.trim() || 'overview');
  url.searchParams.delete('key');
  history.replaceState(history.state, '', readableUrl(url));
}

/**
 * URLSearchParams escapes ':' although it is legal in a query; board ids are
 * `campaign:{id}` and people read (and retype) these links off wall screens.
 */
export function readableUrl(url: URL): string {
  const query = url.searchParams.toString().replace(/%3A/gi, ':');
  return `${url.pathname}${query ? `?${query}` : ''}${url.hash}`;
}
