/**
 * An error a person can act on: the HTTP status, a stable code for tests and logs,
 * and a message key (translated when rendered) with its interpolation values.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly messageKey: string,
    readonly values: Record<string, string | number> = {},
  ) {
    super(`${code}: ${messageKey}`);
  }
}

export const badRequest = (code = 'bad_request', key = 'errors.badRequest') => new AppError(400, code, key);
export const forbidden = () => new AppError(403, 'forbidden', 'errors.forbidden');
export const notFound = () => new AppError(404, 'not_found', 'errors.notFound');
export const conflict = (code: string, key: string, values?: Record<string, string | number>) =>
  new AppError(409, code, key, values);
export const gone = (code = 'link_expired', key = 'errors.linkExpired') => new AppError(410, code, key);
