import fs from 'node:fs';
import path from 'node:path';
import i18next, { type i18n as I18nInstance, type Resource, type TFunction } from 'i18next';
import { paths } from '../paths.ts';

/** Every language residents can read; staff pages come in the first two. */
export const LOCALES = ['nl', 'en', 'tr', 'ar', 'pl', 'uk'] as const;
export type Locale = (typeof LOCALES)[number];
export const STAFF_LOCALES: readonly Locale[] = ['nl', 'en'];
export const DEFAULT_LOCALE: Locale = 'nl';
const RIGHT_TO_LEFT: ReadonlySet<Locale> = new Set(['ar']);

/** Native names, so a visitor recognises their language without reading the current one. */
export const LOCALE_NAMES: Record<Locale, string> = {
  nl: 'Nederlands',
  en: 'English',
  tr: 'Türkçe',
  ar: 'العربية',
  pl: 'Polski',
  uk: 'Українська',
};

export type Translate = TFunction;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export function textDirection(locale: Locale): 'rtl' | 'ltr' {
  return RIGHT_TO_LEFT.has(locale) ? 'rtl' : 'ltr';
}

/** Reads the catalogues: one JSON file per namespace (usually a feature) per language. */
export function loadCatalogues(folder = paths.locales): Resource {
  const resources: Resource = {};
  for (const locale of LOCALES) {
    const dir = path.join(folder, locale);
    resources[locale] = {};
    if (!fs.existsSync(dir)) continue;
    for (const file of fs.readdirSync(dir)) {
      if (!file.endsWith('.json')) continue;
      resources[locale][path.basename(file, '.json')] = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    }
  }
  return resources;
}

/** A private i18next instance per app, so tests and the server never share state. */
export function createI18n(): I18nInstance {
  const resources = loadCatalogues();
  const instance = i18next.createInstance();
  void instance.init({
    initAsync: false,
    resources,
    lng: DEFAULT_LOCALE,
    fallbackLng: DEFAULT_LOCALE,
    supportedLngs: [...LOCALES],
    ns: Object.keys(resources[DEFAULT_LOCALE] ?? {}),
    defaultNS: 'common',
    // EJS escapes on output; escaping here too would show &amp; to the reader.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return instance;
}

const translators = new WeakMap<I18nInstance, Map<string, Translate>>();

/**
 * t in one language. i18next's getFixedT copies its whole option set on every call (about 20 µs, and
 * a page makes hundreds of calls), so this calls t with the language directly, and remembers lookups
 * without options: they cannot change once the catalogues are loaded.
 */
export function translatorFor(i18n: I18nInstance, lng: string): Translate {
  let perLanguage = translators.get(i18n);
  if (!perLanguage) {
    perLanguage = new Map();
    translators.set(i18n, perLanguage);
  }
  const existing = perLanguage.get(lng);
  if (existing) return existing;
  const plain = new Map<string, string>();
  const translate = (key: string | string[], options?: unknown): string => {
    if (options === undefined && typeof key === 'string') {
      let text = plain.get(key);
      if (text === undefined) {
        text = i18n.t(key, { lng });
        plain.set(key, text);
      }
      return text;
    }
    if (typeof options === 'object' && options !== null) return i18n.t(key, { lng, ...options }) as string;
    return i18n.getFixedT(lng)(key, options as string) as string;
  };
  perLanguage.set(lng, translate as Translate);
  return translate as Translate;
}
