// Hash routes (#/goals/q3-leads): the gateway serves one static page, so the address after '#' is the
// app's own and every route survives a reload without a server-side fallback. Hand-written: the routers
// on npm (preact-iso, wouter) route on the path; this is twenty lines.

import { useEffect, useState } from 'preact/hooks';

export interface Route {
  /** The page: 'home', 'goals', 'goal', 'goal-new', 'goal-edit', 'campaigns', 'campaign', 'campaign-new', 'feed', 'reviews', 'review', 'settings', 'integrations', 'war-room', 'tv'. */
  readonly page: string;
  /** The id in the path (a goal's, a campaign's, a review's, a board's), if any. */
  readonly id: string | null;
  /** The query after the route (#/feed?kind=alert). */
  readonly query: URLSearchParams;
}

const patterns: ReadonlyArray<[RegExp, string]> = [
  [/^\/?$/, 'home'],
  [/^\/goals\/?$/, 'goals'],
  [/^\/goals\/new$/, 'goal-new'],
  [/^\/goals\/([^/]+)\/edit$/, 'goal-edit'],
  [/^\/goals\/([^/]+)$/, 'goal'],
  [/^\/campaigns\/?$/, 'campaigns'],
  [/^\/campaigns\/new$/, 'campaign-new'],
  [/^\/campaigns\/([^/]+)$/, 'campaign'],
  [/^\/feed\/?$/, 'feed'],
  [/^\/reviews\/?$/, 'reviews'],
  [/^\/reviews\/([^/]+)$/, 'review'],
  [/^\/settings\/?$/, 'settings'],
  [/^\/settings\/integrations\/?$/, 'integrations'],
  [/^\/war-room(?:\/([^/]+))?$/, 'war-room'],
  [/^\/tv\/?$/, 'tv'],
];

export function parseRoute(hash: string = window.location.hash): Route {
  const raw = hash.replace(/^#/, '');
  const [path = '', search = ''] = raw.split('?', 2);
  const query = new URLSearchParams(search);
  for (const [pattern, page] of patterns) {
    const match = pattern.exec(path);
    if (match) return { page, id: match[1] ? decodeURIComponent(match[1]) : null, query };
  }
  return { page: 'not-found', id: null, query };
}

/** The address of a page: href(['goals', id]) → '#/goals/q3-leads'. */
export function href(parts: ReadonlyArray<string>, query?: Record<string, string | null | undefined>): string {
  const path = parts.map((p) => encodeURIComponent(p)).join('/');
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v) q.set(k, v);
  const qs = q.toString();
  return `#/${path}${qs ? `?${qs}` : ''}`;
}

export function navigate(to: string, replace = false): void {
  if (replace) {
    const url = new URL(window.location.href);
    url.hash = to.replace(/^#/, '');
    history.replaceState(history.state, '', url);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = to.replace(/^#/, '');
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute());
  useEffect(() => {
    const update = () => setRoute(parseRoute());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
