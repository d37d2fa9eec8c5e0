/**
 * A small client for a running anchor's HTTP API, used by the operator commands. Errors
 * come back as the API's `{"error": {"code", "message"}}` and are raised with that text.
 */

export interface ClientOptions {
  /** Base URL, e.g. http://127.0.0.1:8053 */
  readonly api: string;
  readonly token: string | undefined;
  readonly timeoutMs?: number;
}

export class ApiClientError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'ApiClientError';
    this.status = status;
  }
}

export async function callApi(options: ClientOptions, method: string, path: string, body?: unknown): Promise<unknown> {
  const url = new URL(path, options.api.endsWith('/') ? options.api : `${options.api}/`);
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(options.token && { authorization: `Bearer ${options.token}` }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (cause) {
    throw new ApiClientError(0, `cannot reach ${url.origin}: ${(cause as Error).message}`);
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // A proxy's HTML error page, say: report the status and the start of the body.
    throw new ApiClientError(response.status, `${response.status}: not a JSON answer: ${text.slice(0, 120)}`);
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiClientError(response.status, `${response.status} ${error?.code ?? ''}: ${error?.message ?? text}`.trim());
  }
  return parsed;
}
