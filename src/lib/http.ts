import type { Request, Response } from 'express';
import { z } from 'zod';
import type { SessionUser } from '../features/auth/sessions.service.ts';
import type { Locale, Translate } from '../i18n/i18n.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      user: SessionUser | null;
      sessionId: string | null;
      locale: Locale;
      dir: 'ltr' | 'rtl';
      t: Translate;
      csrfToken: string;
      flash: Flash | null;
      currentPath: string;
      /** Languages offered in the switcher on this page (staff pages: nl and en; resident pages: all). */
      offeredLocales: readonly Locale[];
    }
  }
}

export type Flash = { kind: 'success' | 'error' | 'info'; key: string; values?: Record<string, string | number> };

/** A positive database id from a route parameter; anything else (12abc, 1e3, -1, 0x10) is a 404, never another record. */
export const IdParam = z
  .string()
  .regex(/^[1-9][0-9]{0,15}$/)
  .transform(Number)
  .refine((n) => Number.isSafeInteger(n));

export function parseId(value: unknown): number | null {
  const parsed = IdParam.safeParse(value);
  return parsed.success ? parsed.data : null;
}

const FLASH_COOKIE = 'flash';

/** Shows a one-time message on the next page (post/redirect/get). */
export function setFlash(res: Response, flash: Flash): void {
  res.cookie(FLASH_COOKIE, JSON.stringify(flash), { httpOnly: true, sameSite: 'lax', signed: true, path: '/' });
}

export function takeFlash(req: Request, res: Response): Flash | null {
  const raw: unknown = req.signedCookies?.[FLASH_COOKIE];
  if (typeof raw !== 'string') return null;
  res.clearCookie(FLASH_COOKIE, { path: '/' });
  try {
    return JSON.parse(raw) as Flash;
  } catch {
    return null;
  }
}

/** Only same-site relative paths may be redirect targets, never another host. */
export function safeRedirectPath(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string') return fallback;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  return value;
}

/** Form values as strings for re-rendering, without trusting their shape. */
export function formValues(body: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  if (!body || typeof body !== 'object') return values;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key === '_csrf') continue;
    if (typeof value === 'string') values[key] = value;
    else if (Array.isArray(value)) values[key] = value.filter((v) => typeof v === 'string').join(',');
  }
  return values;
}
