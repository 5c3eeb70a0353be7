import { renderPdf } from '../pdf/cjk.js';
import type { DocFact, DocSection, RulesDocument } from './document.js';

/** The rules as an A4 PDF in the CJK font, so Chinese and English text both render. */
export function rulesPdf(doc: RulesDocument, publishedAt: string): Promise<Buffer> {
  return renderPdf(
    { Title: `${doc.title} · ${doc.provider}`, CreationDate: new Date(publishedAt) },
    (pdf) => {
      const facts = (fs: DocFact[]) => {
        for (const f of fs) {
          pdf.fontSize(10).fillColor('#333').text(f.term);
          pdf.fillColor('#000');
          if (f.items.length === 1 && !f.checklist) pdf.text(f.items[0], { indent: 12 });
          else for (const i of f.items) pdf.text(`${f.checklist ? '□' : '•'} ${i}`, { indent: 12 });
        }
      };
      const section = (s: DocSection, level: 2 | 3) => {
        pdf
          .moveDown(level === 2 ? 1 : 0.6)
          .fontSize(level === 2 ? 14 : 12)
          .text(s.heading);
        pdf.moveDown(0.2).fontSize(10);
        for (const p of s.paragraphs) pdf.text(p);
        for (const b of s.bullets) pdf.text(`• ${b}`, { indent: 12 });
        facts(s.facts);
        for (const l of s.links) {
          if (l.lead) pdf.text(l.lead);
          pdf.fillColor('#0645ad').text(`${l.text}: ${l.href}`, { link: l.href }).fillColor('#000');
        }
        for (const x of s.subsections) section(x, 3);
      };
      pdf.fontSize(18).text(doc.title, { align: 'center' });
      pdf.moveDown(0.5).fontSize(10).text(doc.intro);
      pdf.moveDown(0.5);
      facts(doc.meta);
      for (const s of doc.sections) section(s, 2);
    },
  );
}
