/**
 * A deliberately small HTML tokenizer for the XSS checks: it finds the start tags a browser would
 * build and their attributes (quoted, unquoted or bare), skipping comments and the raw text of
 * script, style, textarea and title. Escaped text (&lt;img …&gt;) is text, so it yields no tag;
 * an attribute breakout ("><img …>) yields a real one. The browser tests cross-check with Chromium.
 */
export type StartTag = { name: string; attributes: Map<string, string> };

const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title']);

export function startTags(html: string): StartTag[] {
  const tags: StartTag[] = [];
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt === -1) break;
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end === -1 ? html.length : end + 3;
      continue;
    }
    const nameMatch = /^<([a-zA-Z][a-zA-Z0-9:-]*)/.exec(html.slice(lt, lt + 64));
    if (!nameMatch) {
      i = lt + 1;
      continue;
    }
    const name = nameMatch[1]!.toLowerCase();
    const attributes = new Map<string, string>();
    let j = lt + nameMatch[0].length;
    while (j < html.length) {
      while (j < html.length && /[\s/]/.test(html[j]!)) j++;
      if (j >= html.length || html[j] === '>') break;
      const attr = /^[^\s"'>/=]+/.exec(html.slice(j, j + 256));
      if (!attr) {
        j++;
        continue;
      }
      const attrName = attr[0].toLowerCase();
      j += attr[0].length;
      while (j < html.length && /\s/.test(html[j]!)) j++;
      let value = '';
      if (html[j] === '=') {
        j++;
        while (j < html.length && /\s/.test(html[j]!)) j++;
        const quote = html[j];
        if (quote === '"' || quote === "'") {
          const close = html.indexOf(quote, j + 1);
          value = html.slice(j + 1, close === -1 ? html.length : close);
          j = close === -1 ? html.length : close + 1;
        } else {
          const unquoted = /^[^\s>]*/.exec(html.slice(j))![0];
          value = unquoted;
          j += unquoted.length;
        }
      }
      if (!attributes.has(attrName)) attributes.set(attrName, decodeEntities(value));
    }
    tags.push({ name, attributes });
    i = j + 1;
    if (RAW_TEXT.has(name)) {
      const close = html.toLowerCase().indexOf(`</${name}`, i);
      i = close === -1 ? html.length : close;
    }
  }
  return tags;
}

export function decodeEntities(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);?/gi, (_m, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);?/g, (_m, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&colon;/gi, ':')
    .replace(/&tab;/gi, '\t')
    .replace(/&newline;/gi, '\n')
    .replace(/&quot;/gi, '"')
    .replace(/&apos;/gi, "'")
    .replace(/&lt;/gi, '<')
    .replace(/&gt;/gi, '>')
    .replace(/&amp;/gi, '&');
}

/** The raw text inside <script> elements (ours are external, so any inline one is suspect). */
export function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script/gi)].map((m) => m[1]!).filter((text) => text.trim() !== '');
}
