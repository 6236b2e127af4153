import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import type { i18n as I18nInstance } from 'i18next';
import { type Locale, isLocale, textDirection, translatorFor } from '../../i18n/i18n.ts';
import { paths } from '../../paths.ts';

export type RenderedMail = { subject: string; html: string; text: string };

/**
 * Renders views/mail/<template>.ejs (HTML) and <template>.text.ejs (plain text) in the
 * recipient's language. Subjects live in the 'mail' catalogue under <template>.subject.
 */
export function createMailRenderer(options: { i18n: I18nInstance; baseUrl: string; cache: boolean }) {
  const compiled = new Map<string, ejs.TemplateFunction>();

  function compile(file: string, plainText: boolean): ejs.TemplateFunction {
    const cached = options.cache ? compiled.get(file) : undefined;
    if (cached) return cached;
    // The text part shows values verbatim: HTML escaping there would print &lt; to the reader.
    const escape = plainText ? (value: unknown) => (value == null ? '' : String(value)) : undefined;
    // cache: EJS then also keeps compiled include()s (partials) instead of reading and compiling
    // them on every mail. Only for HTML: the cache is keyed by file name, not by escape function.
    const fn = ejs.compile(fs.readFileSync(file, 'utf8'), { filename: file, async: false, ...(escape ? { escape } : { cache: options.cache }) });
    compiled.set(file, fn);
    return fn;
  }

  return function renderMail(template: string, locale: string, locals: Record<string, unknown>): RenderedMail {
    if (!/^[a-z0-9-]+$/.test(template)) throw new Error(`Invalid mail template name: ${template}`);
    const lang: Locale = isLocale(locale) ? locale : 'nl';
    const t = translatorFor(options.i18n, lang);
    const viewLocals = { ...locals, t, locale: lang, dir: textDirection(lang), baseUrl: options.baseUrl };
    const subjectKey = `mail:${template}.subject`;
    if (!options.i18n.exists(subjectKey, { lng: 'nl' })) throw new Error(`Mail subject missing: ${subjectKey}`);
    // A subject is a header: line breaks in interpolated names must never reach it.
    const subject = String(t(subjectKey, locals as Record<string, string>)).replace(/[\r\n]+/g, ' ').trim();
    const html = compile(path.join(paths.views, 'mail', `${template}.ejs`), false)(viewLocals);
    const text = compile(path.join(paths.views, 'mail', `${template}.text.ejs`), true)(viewLocals);
    return { subject, html, text };
  };
}
export type RenderMail = ReturnType<typeof createMailRenderer>;

export function newMessageId(baseUrl: string): string {
  return `<${crypto.randomUUID()}@${new URL(baseUrl).hostname}>`;
}
