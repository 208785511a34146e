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
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored, nothing to forget
  }
}

/**
 * Takes `key` out of the query string (storing it) and leaves every other
 * parameter, notably `board`, in place.
 */
export function takeKeyFromUrl(): void {
  const url = new URL(window.location.href);
  const key = url.searchParams.get('key');
  if (key === null) return;
  if (key.trim() !== '') saveKey(key.trim());
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
