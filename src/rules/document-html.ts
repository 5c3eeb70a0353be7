import type { DocFact, DocSection, RulesDocument } from './document.js';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Text made safe for HTML content and attribute values. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESC[c]);

const CSS = `
body{font-family:"Noto Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;line-height:1.6;
max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ccc}h3{font-size:1.05rem}
dl.meta,dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0}
dd ul{margin:0;padding-left:1.2rem}ul.checklist{list-style:"□ "}code{word-break:break-all}
section.purpose{border-left:3px solid #ddd;padding-left:1rem;margin:1rem 0}
@media print{body{margin:0;max-width:none;font-size:11pt}a{color:inherit}a[href]::after{content:" (" attr(href) ")";font-size:.85em}
h2,h3{break-after:avoid}section.purpose,dl{break-inside:avoid}}
`;

const facts = (fs: DocFact[], cls = 'facts') =>
  fs.length
    ? `<dl class="${cls}">${fs
        .map(
          (f) =>
            `<dt>${escapeHtml(f.term)}</dt><dd>${
              f.items.length === 1 && !f.checklist
                ? escapeHtml(f.items[0])
                : `<ul${f.checklist ? ' class="checklist"' : ''}>${f.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`
            }</dd>`,
        )
        .join('')}</dl>`
    : '';

const sectionHtml = (s: DocSection, level: 2 | 3): string =>
  `<section id="${escapeHtml(s.id)}"${level === 3 ? ' class="purpose"' : ''}>` +
  `<h${level}>${escapeHtml(s.heading)}</h${level}>` +
  s.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('') +
  (s.bullets.length ? `<ul>${s.bullets.map((b) => `<li>${escapeHtml(b)}</li>`).join('')}</ul>` : '') +
  facts(s.facts) +
  s.links
    .map(
      (l) =>
        `<p>${l.lead ? `${escapeHtml(l.lead)} ` : ''}<a href="${escapeHtml(l.href)}">${escapeHtml(l.text)}</a></p>`,
    )
    .join('') +
  s.subsections.map((x) => sectionHtml(x, 3)).join('') +
  `</section>`;

/**
 * The rules as one standalone HTML page: no scripts or outside resources, every text escaped, a print style
 * sheet, and the document's language on the root element.
 */
export function rulesHtml(doc: RulesDocument): string {
  return (
    `<!doctype html><html lang="${doc.lang}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${escapeHtml(`${doc.title} · ${doc.provider}`)}</title><style>${CSS}</style></head><body>` +
    `<header><h1>${escapeHtml(doc.title)}</h1><p>${escapeHtml(doc.intro)}</p>${facts(doc.meta, 'meta')}</header>` +
    `<main>${doc.sections.map((s) => sectionHtml(s, 2)).join('')}</main></body></html>\n`
  );
}
