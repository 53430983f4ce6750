import { currentToken } from './auth';

/** An HTTP error from the Beacon API (problem+json when the server sent one). */
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly problem?: { title?: string; detail?: string; errors?: Record<string, string[]> }) {
    super(message);
  }

  /** The route does not exist on this server (its module is not deployed yet). */
  get isMissing(): boolean {
    return this.status === 404 || this.status === 405;
  }

  get isForbidden(): boolean {
    return this.status === 403;
  }
}

export interface ApiOptions {
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
  /** Send no token even when signed in. */
  anonymous?: boolean;
}

/** Calls the Beacon API with the signed-in user's token; throws {@link ApiError} on a non-2xx answer. */
export async function api<T = unknown>(path: string, options: ApiOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = options.anonymous ? null : await currentToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method: options.method ?? (options.body !== undefined ? 'POST' : 'GET'),
    headers,
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    signal: options.signal,
  });
  const text = await response.text();
  let data: unknown = undefined;
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!response.ok) {
    const problem = (data && typeof data === 'object' ? data : {}) as { title?: string; detail?: string; errors?: Record<string, string[]> };
    throw new ApiError(response.status, problem.detail ?? problem.title ?? `${response.status} ${response.statusText}`, problem);
  }
  return data as T;
}

/** A readable message for any error. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = error.problem?.errors ? Object.values(error.problem.errors).flat().join(' ') : '';
    return `${error.message}${fields ? ` ${fields}` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}
