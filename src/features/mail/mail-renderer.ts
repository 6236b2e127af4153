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

  /** A template of views/mail by name ('rsvp-confirmed', 'partials/top'), compiled once when caching. */
  function template(name: string, plainText: boolean): ejs.TemplateFunction {
    const key = `${name}${plainText ? ' (text)' : ''}`;
    const cached = options.cache ? compiled.get(key) : undefined;
    if (cached) return cached;
    const file = path.join(paths.views, 'mail', `${name}.ejs`);
    // The text part shows values verbatim: HTML escaping there would print &lt; to the reader.
    const fn = ejs.compile(fs.readFileSync(file, 'utf8'), { filename: file, async: false, ...(plainText ? { escape: verbatim } : {}) });
    compiled.set(key, fn);
    return fn;
  }

  /**
   * Mail templates put in their partials with `partial('name', extraLocals)` rather than EJS's
   * include(), which copies its options and asks the file system whether the file exists on every
   * include of every mail (bench/rsvp: most of a mail's rendering time). Like include(), it returns
   * markup rendered from our own templates, which escape every value, so templates print it
   * unescaped (<%- partial('top') %>); partial names are checked against a strict pattern.
   */
  function render(name: string, locals: Record<string, unknown>, plainText: boolean): string {
    const partial = (partialName: string, extra?: Record<string, unknown>): string => {
      if (!/^[a-z0-9-]+$/.test(partialName)) throw new Error(`Invalid mail partial name: ${partialName}`);
      return template(`partials/${partialName}`, plainText)({ ...locals, ...extra, partial });
    };
    return template(name, plainText)({ ...locals, partial });
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
    return { subject, html: render(template, viewLocals, false), text: render(`${template}.text`, viewLocals, true) };
  };
}

const verbatim = (value: unknown): string => (value == null ? '' : String(value));

export type RenderMail = ReturnType<typeof createMailRenderer>;

export function newMessageId(baseUrl: string): string {
  return `<${crypto.randomUUID()}@${new URL(baseUrl).hostname}>`;
}
