import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../src/i18n/i18n.ts';
import { paths } from '../../src/paths.ts';

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, inner]) => keys(inner, prefix ? `${prefix}.${key}` : key));
}
function load(locale: string, namespace: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(paths.locales, locale, `${namespace}.json`), 'utf8'));
}

// Everything a resident reads (pages and mails) exists in all six languages; staff texts ('admin',
// residents' list/form/show/import pages) may stay Dutch and English.
const RESIDENT_KEYS: Record<string, (key: string) => boolean> = {
  rsvp: (key) => !key.startsWith('admin.'),
  residents: (key) => key.startsWith('consent.') || key.startsWith('errors.'),
  mail: (key) => key.startsWith('rsvp-'),
};

describe('resident-facing catalogues', () => {
  for (const [namespace, isResidentKey] of Object.entries(RESIDENT_KEYS)) {
    const dutch = keys(load('nl', namespace)).filter(isResidentKey);
    for (const locale of LOCALES) {
      it(`${locale}/${namespace}.json has every resident text`, () => {
        const present = new Set(keys(load(locale, namespace)));

        expect(dutch.filter((key) => !present.has(key))).toEqual([]);
      });
    }
  }
});
