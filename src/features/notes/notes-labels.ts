import type { Translate } from '../../i18n/i18n.ts';
import type { NoteTheme } from './notes.schema.ts';

/**
 * A theme's label in the reader's language. Dutch and English show what admins typed (they may have
 * renamed a theme); other languages use the catalogue translation of a built-in code, else the Dutch label.
 */
export function themeLabeller(themes: Pick<NoteTheme, 'code' | 'label' | 'labelEn'>[], t: Translate, locale: string): (code: string) => string {
  const byCode = new Map(themes.map((theme) => [theme.code, theme]));
  return (code) => {
    const theme = byCode.get(code);
    if (!theme) return code;
    if (locale === 'nl') return theme.label;
    if (locale === 'en') return theme.labelEn || theme.label;
    return String(t(`ideas:theme.${code}`, { defaultValue: theme.label }));
  };
}
