// The app's typed API client: openapi-fetch over the generated `paths`, so a call's path, parameters,
// body and answer are checked against the gateway's OpenAPI document at compile time.

import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './types';

/** A refused call, with the RFC 9457 problem document's parts the UI shows. */
export class Problem extends Error {
  readonly status: number;
  readonly title: string;
  /** Validation messages per field ("target", "scope.campaign"...), from a validation problem's `errors`. */
  readonly fields: Readonly<Record<string, readonly string[]>>;

  constructor(status: number, title: string, detail: string | null, fields: Record<string, string[]>) {
    super(detail || title || `Request failed (${status})`);
    this.name = 'Problem';
    this.status = status;
    this.title = title;
    this.fields = fields;
  }

  /** The messages for one field, or for any field under it ("scope" takes "scope.campaign"). */
  forField(name: string): string[] {
    const found: string[] = [];
    for (const [field, messages] of Object.entries(this.fields)) {
      const f = field.toLowerCase();
      const n = name.toLowerCase();
      if (f === n || f.startsWith(`${n}.`) || f.startsWith(`${n}[`)) found.push(...messages);
    }
    return found;
  }

  /** Messages for fields none of the form's names claim: they are shown above the form. */
  unclaimed(names: readonly string[]): string[] {
    const lower = names.map((n) => n.toLowerCase());
    return Object.entries(this.fields)
      .filter(([field]) => !lower.some((n) => field.toLowerCase() === n || field.toLowerCase().startsWith(`${n}.`) || field.toLowerCase().startsWith(`${n}[`)))
      .flatMap(([field, messages]) => messages.map((m) => `${field}: ${m}`));
  }
}

export async function toProblem(response: Response, body: unknown): Promise<Problem> {
  const doc = (body && typeof body === 'object' ? body : {}) as { title?: unknown; detail?: unknown; errors?: unknown };
  const fields: Record<string, string[]> = {};
  if (doc.errors && typeof doc.errors === 'object') {
    for (const [k, v] of Object.entries(doc.errors as Record<string, unknown>)) {
      if (Array.isArray(v)) fields[k] = v.map(String);
    }
  }
  const title = typeof doc.title === 'string' ? doc.title : response.statusText;
  const detail = typeof doc.detail === 'string' ? doc.detail : null;
  return new Problem(response.status, title, detail, fields);
}

export type AppApi = ReturnType<typeof createAppApi>;

/**
 * A client for a signed-in person: the session cookie goes by itself; every change carries the
 * antiforgery token. `onSessionEnded` runs when the gateway answers 401 (the session ended or was revoked).
 */
export function createAppApi(csrfToken: string, onSessionEnded: () => void) {
  const client = createClient<paths>({ baseUrl: '', credentials: 'same-origin', cache: 'no-store' });
  const auth: Middleware = {
    onRequest({ request }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') request.headers.set('X-CSRF-TOKEN', csrfToken);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) onSessionEnded();
      return response;
    },
  };
  client.use(auth);
  return client;
}

/**
 * The answer of an openapi-fetch call, or a thrown Problem: pages write
 * `const goal = await ok(api.GET('/api/v1/goals/{goalId}', ...))`.
 */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new Problem(0, 'Cannot reach the server', `Cannot reach the server (${err instanceof Error ? err.message : String(err)})`, {});
  }
  if (!result.response.ok) throw await toProblem(result.response, result.error);
  return result.data as T;
}
