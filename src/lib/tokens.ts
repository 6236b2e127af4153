import crypto from 'node:crypto';

/** A 256-bit random token, 43 base64url characters: for links and session ids. */
export function newToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** Tokens are stored only as SHA-256 hashes, so a copy of the database opens no door. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** Cheap shape check before touching the database with a token from a URL or cookie. */
export function looksLikeToken(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);
}
