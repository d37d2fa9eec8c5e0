/**
 * The API's one catalogue of coded errors, mapped to HTTP status in one place. Handlers
 * throw these; the error handler writes `{"error": {"code", "message"}}` with the status.
 */

export const ErrorStatus = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL: 500,
  NO_LEADER: 503,
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ErrorStatus;

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Seconds a client should wait before retrying (sent as Retry-After on 503). */
  readonly retryAfter: number | undefined;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; retryAfter?: number }) {
    super(message, options);
    this.name = 'ApiError';
    this.code = code;
    this.status = ErrorStatus[code];
    this.retryAfter = options?.retryAfter;
  }
}

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}
