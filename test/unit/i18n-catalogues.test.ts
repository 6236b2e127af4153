import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LOCALE, LOCALES, STAFF_LOCALES, type Locale } from '../../src/i18n/i18n.ts';
import { paths } from '../../src/paths.ts';

// Reads the catalogue folders as they are, so namespaces added later are checked without
// touching this file. Dutch is the reference; English must match it exactly; the resident
// languages must be complete in every namespace they have, and must have the shared ones.

/** Namespaces every resident language must have: what any resident-facing page or mail uses. */
const SHARED_NAMESPACES = ['common', 'mail'];

/**
 * Sections only staff accounts ever see. Staff choose Dutch or English (STAFF_LOCALES), so these
 * are not required in resident languages. Add a section here only when no resident can receive it.
 */
const STAFF_ONLY_SECTIONS: Record<string, string[]> = {
  mail: ['password-reset', 'invitation', 'notes-report-reminder', 'notes-review-reminder'],
  // Scheduling: only the public pages (public, access, diets) and the change mails reach residents.
  scheduling: ['nav', 'fields', 'errors', 'conflicts', 'status', 'kitchen', 'visibility', 'venues', 'venueForm', 'find', 'agenda', 'dinnerForm', 'repeat', 'series', 'manage', 'dinners'],
  // RSVP: the organisers' invitation and guest-list pages.
  rsvp: ['admin'],
  // Residents: only consent texts and form errors reach residents; the rest are staff pages.
  residents: ['list', 'form', 'show', 'import', 'nav'],
};

const RESIDENT_LOCALES = LOCALES.filter((locale) => !STAFF_LOCALES.includes(locale));
const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

type Flat = Map<string, string>;

function namespacesOf(locale: Locale): string[] {
  const dir = path.join(paths.locales, locale);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => path.basename(file, '.json'))
    .sort();
}

/** Every leaf as 'a.b.c' → text; a leaf that is not a non-empty string is reported as a problem. */
function flatten(value: unknown, prefix: string, into: Flat, problems: string[]): Flat {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix ? `${prefix}.${key}` : key, into, problems);
  } else if (typeof value === 'string' && value.trim() !== '') {
    into.set(prefix, value);
  } else {
    problems.push(`${prefix}: ${JSON.stringify(value)} is not a non-empty string`);
  }
  return into;
}

function readCatalogue(locale: Locale, namespace: string): { keys: Flat; problems: string[] } {
  const raw = fs.readFileSync(path.join(paths.locales, locale, `${namespace}.json`), 'utf8');
  const problems: string[] = [];
  const keys = flatten(JSON.parse(raw), '', new Map(), problems);
  return { keys, problems };
}

/**
 * Keys grouped the way i18next looks them up: 'attempts_one' and 'attempts_other' are the plural
 * forms of 'attempts'. Each language needs the forms its own plural rules use (Arabic six, Polish
 * and Ukrainian four, Dutch and Turkish two).
 */
function groupPlurals(keys: Flat): Map<string, Map<string, string>> {
  const groups = new Map<string, Map<string, string>>();
  for (const [key, text] of keys) {
    const match = PLURAL_SUFFIX.exec(key);
    const base = match ? key.slice(0, match.index) : key;
    const form = match ? match[1]! : '';
    if (!groups.has(base)) groups.set(base, new Map());
    groups.get(base)!.set(form, text);
  }
  return groups;
}

function isPluralGroup(forms: Map<string, string>): boolean {
  return forms.has('other');
}

function requiredForms(locale: Locale): string[] {
  return new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
}

function isStaffOnly(namespace: string, base: string): boolean {
  return (STAFF_ONLY_SECTIONS[namespace] ?? []).some((section) => base === section || base.startsWith(`${section}.`));
}

/** Differences in keys between the reference (Dutch) and a translation, as readable lines. */
function keyDifferences(namespace: string, locale: Locale, options: { skipStaffOnly: boolean }): string[] {
  const reference = groupPlurals(readCatalogue(DEFAULT_LOCALE, namespace).keys);
  const translation = groupPlurals(readCatalogue(locale, namespace).keys);
  const lines: string[] = [];
  for (const [base, forms] of reference) {
    if (options.skipStaffOnly && isStaffOnly(namespace, base)) continue;
    const translated = translation.get(base);
    if (!translated) {
      lines.push(`missing in ${locale}: ${namespace}:${base}`);
      continue;
    }
    if (isPluralGroup(forms)) {
      for (const form of requiredForms(locale)) {
        if (!translated.has(form)) lines.push(`missing plural form in ${locale}: ${namespace}:${base}_${form}`);
      }
    }
  }
  for (const base of translation.keys()) {
    if (!reference.has(base)) lines.push(`not in ${DEFAULT_LOCALE} (stale or misspelt) in ${locale}: ${namespace}:${base}`);
  }
  return lines;
}

/** The {{variables}} a text interpolates, e.g. 'Pagina {{page}}' → page. */
function variablesIn(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(/\{\{\s*([^,}\s]+)[^}]*\}\}/g)) names.add(match[1]!);
  return names;
}

function variablesOfGroup(forms: Map<string, string>): string[] {
  const names = new Set<string>();
  for (const text of forms.values()) for (const name of variablesIn(text)) names.add(name);
  return [...names].sort();
}

function variableDifferences(namespace: string, locale: Locale): string[] {
  const reference = groupPlurals(readCatalogue(DEFAULT_LOCALE, namespace).keys);
  const translation = groupPlurals(readCatalogue(locale, namespace).keys);
  const lines: string[] = [];
  for (const [base, forms] of translation) {
    const referenceForms = reference.get(base);
    if (!referenceForms) continue;
    const expected = variablesOfGroup(referenceForms);
    const actual = variablesOfGroup(forms);
    // A singular form may write the number out ("één poging"), so count may be absent there.
    if (expected.join(',') !== actual.join(',')) {
      lines.push(`${locale} ${namespace}:${base} uses {{${actual.join('}}, {{')}}} but ${DEFAULT_LOCALE} uses {{${expected.join('}}, {{')}}}`);
    }
  }
  return lines;
}

const referenceNamespaces = namespacesOf(DEFAULT_LOCALE);

describe('message catalogues', () => {
  it('has the same namespaces in Dutch and English', () => {
    expect(namespacesOf('en')).toEqual(referenceNamespaces);
  });

  it.each(LOCALES.flatMap((locale) => namespacesOf(locale).map((namespace) => ({ locale, namespace }))))(
    'has only non-empty texts in $namespace ($locale)',
    ({ locale, namespace }) => {
      expect(readCatalogue(locale, namespace).problems).toEqual([]);
    },
  );

  it.each(referenceNamespaces)('has every Dutch key in English and no English key Dutch lacks: %s', (namespace) => {
    expect(keyDifferences(namespace, 'en', { skipStaffOnly: false })).toEqual([]);
  });

  it.each(RESIDENT_LOCALES.flatMap((locale) => SHARED_NAMESPACES.map((namespace) => ({ locale, namespace }))))(
    'has the shared namespace $namespace in $locale',
    ({ locale, namespace }) => {
      expect(namespacesOf(locale)).toContain(namespace);
    },
  );

  it.each(RESIDENT_LOCALES.flatMap((locale) => namespacesOf(locale).map((namespace) => ({ locale, namespace }))))(
    'has every Dutch key of $namespace in $locale, except staff-only sections',
    ({ locale, namespace }) => {
      expect(referenceNamespaces).toContain(namespace);
      expect(keyDifferences(namespace, locale, { skipStaffOnly: true })).toEqual([]);
    },
  );

  it.each(LOCALES.filter((locale) => locale !== DEFAULT_LOCALE).flatMap((locale) => namespacesOf(locale).map((namespace) => ({ locale, namespace }))))(
    'interpolates the same {{variables}} in $namespace ($locale) as in Dutch',
    ({ locale, namespace }) => {
      expect(variableDifferences(namespace, locale)).toEqual([]);
    },
  );

  it.each(namespacesOf('ar'))('writes ar/%s.json in Arabic script (right to left)', (namespace) => {
    const latinOnly = [...readCatalogue('ar', namespace).keys]
      .filter(([, text]) => !/[\u0600-\u06FF]/.test(text))
      .map(([key]) => key);

    expect(latinOnly).toEqual([]);
  });
});
