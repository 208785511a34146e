// REST client for the gateway's read endpoints. Failures are normalised into
// ApiError so the UI can show one human-readable line whatever went wrong.

export interface Campaign {
  id: string;
  name: string;
  departments: string[];
}

export interface Department {
  id: string;
  name: string;
}

/** A trigger rule as it stands (GET /api/v1/rules). */
export interface RuleView {
  rule: {
    id: string;
    name: string;
    metric: string;
    scope: { campaigns: string[]; departments: string[] };
    condition: 'risesBy' | 'fallsBy' | 'above' | 'below';
    threshold: number;
    windowMinutes: number;
    notify: string[];
    message: string | null;
    revision: number;
    /** Set for a goal's own trend rule. */
    goal: string | null;
  };
  current: number | null;
  previous: number | null;
  changePercent: number | null;
  holds: boolean;
  open: boolean;
  since: string | null;
}

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

  /** The key was missing, wrong or revoked: asking for another one is the only fix. */
  get unauthorized(): boolean {
    return this.status === 401;
  }
}

export class ApiClient {
  readonly #key: string;

  constructor(key: string) {
    this.#key = key;
  }

  getCampaigns(signal?: AbortSignal): Promise<Campaign[]> {
    return this.#getJson<Campaign[]>('/api/v1/campaigns', signal);
  }

  getDepartments(signal?: AbortSignal): Promise<Department[]> {
    return this.#getJson<Department[]>('/api/v1/departments', signal);
  }

  getRules(signal?: AbortSignal): Promise<RuleView[]> {
    return this.#getJson<RuleView[]>('/api/v1/rules', signal);
  }

  async #getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
    let response: Response;
    try {
      response = await fetch(path, {
        headers: { Accept: 'application/json', Authorization: `Bearer ${this.#key}` },
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
