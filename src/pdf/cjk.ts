import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/**
 * Noto Sans (Simplified Chinese), shipped as a package: PDFs need a CJK font and nothing is downloaded.
 * @example doc.registerFont('cjk', cjkFontPath())
 */
export const cjkFontPath = (): string =>
  path.join(path.dirname(require.resolve('@embedpdf/fonts-sc')), '..', 'fonts', 'NotoSansHans-Regular.otf');

/**
 * A PDF drawn by `draw` on an A4 pdfkit document whose default font is the CJK font, as bytes. pdfkit is
 * loaded on first use: it is large and start-up should not pay for it.
 * @example const pdf = await renderPdf({ Title: 'Rules' }, (doc) => doc.text('你好'));
 */
export async function renderPdf(
  info: { Title: string; CreationDate?: Date },
  draw: (doc: PDFKit.PDFDocument) => void,
): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Producer: 'Custodian', ...info } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.registerFont('cjk', cjkFontPath());
    doc.font('cjk');
    try {
      draw(doc);
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
    doc.end();
  });
}
