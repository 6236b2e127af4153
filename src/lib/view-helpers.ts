import type { Role } from '../db/schema.ts';
import type { SessionUser } from '../features/auth/sessions.service.ts';
import type { Locale } from '../i18n/i18n.ts';
import { LOCALE_NAMES } from '../i18n/i18n.ts';
import { formatDate, formatDateTime, formatTime } from './dates.ts';

type NavItem = { href: string; label: string; roles: Role[] | 'everyone' };

/** The main navigation: each feature adds its entry here, with the roles that see it. */
const NAV_ITEMS: NavItem[] = [
  { href: '/', label: 'nav.home', roles: 'everyone' },
  { href: '/agenda', label: 'scheduling:nav.agenda', roles: ['organiser', 'admin'] },
  { href: '/venues', label: 'scheduling:nav.venues', roles: ['organiser', 'admin'] },
  { href: '/matching', label: 'matching:overview.nav', roles: ['organiser', 'admin'] },
  { href: '/admin/residents', label: 'residents:nav.residents', roles: ['organiser', 'staff', 'admin'] },
  { href: '/notes/dinners', label: 'notes:nav.capture', roles: ['organiser'] },
  { href: '/notes', label: 'notes:nav.notes', roles: ['staff', 'admin'] },
  { href: '/admin/themes', label: 'notes:nav.themes', roles: ['admin'] },
  { href: '/admin/users', label: 'nav.users', roles: ['admin'] },
  { href: '/admin/mail', label: 'nav.mail', roles: ['admin'] },
  { href: '/admin/audit', label: 'nav.audit', roles: ['admin'] },
];

export function navItems(user: SessionUser | null | undefined): NavItem[] {
  return NAV_ITEMS.filter((item) => item.roles === 'everyone' || (user && item.roles.some((role) => user.roles.includes(role))));
}

/** Helpers every view can call (set once on app.locals); they format, never decide. */
export function viewHelpers(timeZone: string) {
  return {
    localeNames: LOCALE_NAMES,
    navItems,
    formatDateTime: (instant: Date, locale: Locale) => formatDateTime(instant, timeZone, locale),
    formatDate: (instant: Date, locale: Locale) => formatDate(instant, timeZone, locale),
    formatTime: (instant: Date) => formatTime(instant, timeZone),
  };
}
