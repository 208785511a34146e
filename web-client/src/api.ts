// REST client for the gateway's read endpoints. Failures are normalised into
// ApiError so the UI can show one human-readable line whatever went wrong.

import type { Schemas } from './api/types';

// Payload types come from the gateway's OpenAPI document (api/types.ts), never written here.
export type Campaign = Schemas['Campaign'];
export type Department = Schemas['Department'];
/** A trigger rule as it stands (GET /api/v1/rules). */
export type RuleView = Schemas['RuleView'];

/** RFC 9457 problem details, as the gateway returns them on errors. */
interface ProblemDetails {
  title?: string;
  status?: number;
  detail?: string;
}

export class ApiError extends Error {
  readonly status: number;

  constructor(message: string, status: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }

  /** The key or session was missing, wrong, revoked or ended: asking for another one is the only fix. */
  get unauthorized(): boolean {
    return this.status === 401;
  }
}

/** A signed-in person, as sign-in describes them. */
export type Person = Schemas['SessionResponse'];

/**
 * Signs a person in: the gateway answers with an HttpOnly session cookie (which the browser keeps
 * and sends by itself, to the API and the hub alike) and the antiforgery token for changes.
 */
export async function signIn(email: string, password: string, organization: string): Promise<Person> {
  const response = await send('/api/v1/session', {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password, organization }),
  });
  if (!response.ok) throw new ApiError(await problemMessage(response), response.status);
  return (await response.json()) as Person;
}

/** The person whose session cookie this browser holds, or null when it holds none (or an ended one). */
export async function currentPerson(): Promise<Person | null> {
  const response = await send('/api/v1/me', { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (response.status === 401) return null;
  if (!response.ok) throw new ApiError(await problemMessage(response), response.status);
  const me = (await response.json()) as Person & { kind: string };
  return me.kind === 'person' ? me : null;
}

/** Whether an organization signs in through single sign-on (anonymous; false for an unknown organization too). */
export async function singleSignOnEnabled(organization: string): Promise<boolean> {
  const response = await send(`/api/v1/sso/${encodeURIComponent(organization)}`, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (!response.ok) throw new ApiError(await problemMessage(response), response.status);
  return ((await response.json()) as { enabled: boolean }).enabled;
}

/**
 * Where the browser goes to sign in through the organization's identity provider; it comes back to
 * <returnUrl> (a path of this site) signed in, or to the sign-in page with ?ssoError=<reason>.
 */
export function singleSignOnStartUrl(organization: string, returnUrl: string): string {
  return `/api/v1/sso/${encodeURIComponent(organization)}/start?returnUrl=${encodeURIComponent(returnUrl)}`;
}

/** What a refused single sign-on (?ssoError=) means, for the person. */
export function singleSignOnErrorMessage(code: string, organization: string | null): string {
  const org = organization ? ` ${organization}` : ' this organization';
  switch (code) {
    case 'domain_not_allowed': return `Single sign-on refused: your email's domain is not one of${org}'s.`;
    case 'not_a_member': return `Single sign-on refused: you are not a member of${org}. Ask its admin to invite you.`;
    case 'access_denied': return 'Single sign-on was cancelled at your identity provider.';
    case 'email_not_verified': return 'Single sign-on refused: your identity provider has not verified your email address.';
    case 'no_email': return 'Single sign-on refused: your identity provider did not give your email address.';
    case 'not_configured': return `${org.trim() || 'This organization'} does not use single sign-on (any more): sign in with your password.`;
    default: return 'Single sign-on failed at your identity provider. Try again, or sign in with your password.';
  }
}

/** Sets the password with the one-time token of an invitation or password-reset link. */
export async function setPassword(email: string, token: string, password: string): Promise<void> {
  const response = await send('/api/v1/account/password', {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, token, password }),
  });
  if (!response.ok) throw new ApiError(await problemMessage(response), response.status);
}

/** Asks for a password-reset mail; the server answers the same whether or not the account exists. */
export async function requestPasswordReset(email: string, organization: string | null): Promise<void> {
  const response = await send('/api/v1/account/password-reset', {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify(organization ? { email, organization } : { email }),
  });
  if (!response.ok) throw new ApiError(await problemMessage(response), response.status);
}

/** Ends the session on every gateway; the cookie is removed. */
export async function signOut(csrfToken: string): Promise<void> {
  const response = await send('/api/v1/session', { method: 'DELETE', headers: { 'X-CSRF-TOKEN': csrfToken } });
  if (!response.ok && response.status !== 401) throw new ApiError(await problemMessage(response), response.status);
}

async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, { credentials: 'same-origin', ...init });
  } catch (err) {
    throw new ApiError(`Cannot reach the server (${describe(err)})`, 0);
  }
}

export class ApiClient {
  readonly #key: string | null;

  /** With an API key, or with null: the browser's session cookie. */
  constructor(key: string | null) {
    this.#key = key;
  }

  getCampaigns(signal?: AbortSignal): Promise<Campaign[]> {
    return this.#getJson<Campaign[]>('/api/v1/campaigns', signal);
  }

  getDepartments(signal?: AbortSignal): Promise<Department[]> {
    return this.#getJson<Department[]>('/api/v1/departments', signal);
  }

  /** A board's snapshot: all a wall-screen board link may read over REST (used to ask whether the link still stands). */
  getBoard(boardId: string, signal?: AbortSignal): Promise<unknown> {
    return this.#getJson<unknown>(`/api/v1/boards/${encodeURIComponent(boardId)}`, signal);
  }

  /** A goal's history per minute (the war room's sparklines). */
  getHistory(goalId: string, signal?: AbortSignal): Promise<Array<{ at: string; value?: number | null; percent?: number | null }>> {
    return this.#getJson(`/api/v1/goals/${encodeURIComponent(goalId)}/history`, signal);
  }

  /** A board as it stood at a past moment (the war room's replay). */
  getReplay(boardId: string, at: Date, signal?: AbortSignal): Promise<unknown> {
    return this.#getJson(`/api/v1/boards/${encodeURIComponent(boardId)}/replay?at=${encodeURIComponent(at.toISOString())}`, signal);
  }

  getRules(signal?: AbortSignal): Promise<RuleView[]> {
    return this.#getJson<RuleView[]>('/api/v1/rules', signal);
  }

  async #getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
    let response: Response;
    try {
      response = await fetch(path, {
        headers: this.#key
          ? { Accept: 'application/json', Authorization: `Bearer ${this.#key}` }
          : { Accept: 'application/json' },
        credentials: 'same-origin',
        // Wall screens stay open for days; a cached list would hide new campaigns.
        cache: 'no-store',
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      // status 0 marks "never reached the server" so callers can tell it from an HTTP error.
      throw new ApiError(`Cannot reach the server (${describe(err)})`, 0);
    }

    if (!response.ok) {
      throw new ApiError(await problemMessage(response), response.status);
    }
    return (await response.json()) as T;
  }
}

async function problemMessage(response: Response): Promise<string> {
  const fallback = `${response.status} ${response.statusText}`.trim();
  let body: string;
  try {
    body = await response.text();
  } catch {
    return fallback;
  }
  try {
    const problem = JSON.parse(body) as ProblemDetails | null;
    if (problem && typeof problem === 'object') {
      const text = nonEmpty(problem.detail) ?? nonEmpty(problem.title);
      if (text) return text;
    }
  } catch {
    // Not JSON (e.g. a proxy's HTML error page): the status line is all we can trust.
  }
  return fallback || 'Request failed';
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
