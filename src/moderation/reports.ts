import { createHash, randomUUID } from 'node:crypto';
import { strToU8, zipSync } from 'fflate';
import type { ActorRef } from '../audit/actor.js';
import { auditText } from '../audit/free-text.js';
import type { AuditLog } from '../audit/service.js';
import type { Db } from '../db/database.js';
import type { ReportPackageTable } from '../db/schema.js';
import { nowIso, transact } from '../db/transaction.js';
import { badRequest, isUniqueViolation, notFound } from '../http/errors.js';
import { cjkFontPath } from '../pdf/cjk.js';
import { categoryLabel } from '../screening/categories.js';
import type { ModerationService } from './service.js';

const cjkFont = cjkFontPath;

export interface ReportView {
  id: string;
  number: string;
  caseIds: string[];
  authority: string;
  createdAt: string;
  manifestSha256: string;
  submittedAt: string | null;
  submittedTo: string | null;
  receipt: string | null;
}

const toView = (r: ReportPackageTable): ReportView => ({
  id: r.id,
  number: r.number,
  caseIds: JSON.parse(r.case_ids) as string[],
  authority: r.authority,
  createdAt: r.created_at,
  manifestSha256: r.manifest_sha256,
  submittedAt: r.submitted_at,
  submittedTo: r.submitted_to,
  receipt: r.receipt,
});

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

const STATUS_ZH: Record<string, string> = {
  open: '待处理',
  claimed: '处理中',
  removed: '已删除',
  restored: '已恢复',
  escalated: '已上报内部',
  reportable: '应报告',
};

async function summaryPdf(
  number: string,
  createdAt: string,
  provider: string,
  authority: string,
  items: Array<Awaited<ReturnType<ModerationService['evidenceForReport']>>>,
): Promise<Buffer> {
  // Loaded when a report is built: the PDF library is large and start-up should not pay for it.
  const { default: PDFDocument } = await import('pdfkit');
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margin: 50,
      info: { Title: `违法信息报告 ${number}`, Producer: 'Custodian', CreationDate: new Date(createdAt) },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.registerFont('cjk', cjkFont());
    doc.font('cjk');
    doc.fontSize(18).text('网络违法信息报告', { align: 'center' });
    doc.moveDown(0.5).fontSize(10);
    doc.text(`报告编号：${number}`);
    doc.text(`报送单位：${provider}`);
    doc.text(`报送对象：${authority}`);
    doc.text(`生成时间：${createdAt}`);
    doc.text(`案件数量：${items.length}`);
    doc.moveDown(0.5);
    doc.text(
      '依据：《全国人民代表大会常务委员会关于加强网络信息保护的决定》第五条；《中华人民共和国网络安全法》第四十七条（2026年修正后第四十九条）；《互联网信息服务管理办法》第十四条至第十六条。',
    );
    doc.text(
      '随附文件：cases.json（案件记录）、evidence/（原始证据）、manifest.sha256（SHA-256 校验清单）。',
    );
    for (const [i, e] of items.entries()) {
      const c = e.case;
      doc
        .moveDown(1)
        .fontSize(12)
        .text(`${i + 1}. 案件 ${c.id}`);
      doc.fontSize(9);
      doc.text(`内容标识：${c.contentId}（${c.contentType}）`);
      doc.text(
        `类别：${c.categories.map((x) => categoryLabel(x, 'zh')).join('、') || categoryLabel(c.topCategory, 'zh')}`,
      );
      doc.text(`发布账号：${c.authorAccount}${e.authorIp ? `；IP：${e.authorIp}` : ''}`);
      doc.text(`接收时间：${c.receivedAt}；停止传输时间：${c.transmissionStoppedAt ?? '—'}`);
      doc.text(`处置状态：${STATUS_ZH[c.status] ?? c.status}`);
      if (c.reasons)
        doc.text(`处置理由：${c.reasons.facts}；规则：${c.reasons.rule}；依据：${c.reasons.ground}`);
      doc.text(`内容摘录：${e.content.slice(0, 300)}${e.content.length > 300 ? '…' : ''}`);
      doc.text(`内容 SHA-256：${e.contentSha256}`);
      doc.text(`证据 SHA-256：${e.evidenceSha256}`);
    }
    doc.end();
  });
}

/**
 * Report packages for the competent authority (Decision art. 5; MPS Order 33 art. 10: report within 24 h,
 * keep the originals): a Chinese PDF summary, the case records as JSON, the original evidence, and a SHA-256
 * manifest over every file, zipped once and kept as built.
 */
export class ReportService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly moderation: ModerationService,
    private readonly providerName: string,
  ) {}

  async create(
    actor: ActorRef,
    input: { caseIds: string[]; authority: string },
    requestId?: string,
  ): Promise<ReportView> {
    const ids = [...new Set(input.caseIds)];
    if (!ids.length) throw badRequest('no_cases', 'caseIds must name at least one case', 'caseIds');
    const items = [];
    for (const id of ids) items.push(await this.moderation.evidenceForReport(id));
    const createdAt = nowIso();
    for (let attempt = 0; ; attempt++) {
      const day = createdAt.slice(0, 10).replace(/-/g, '');
      const n = Number(
        (
          await this.db
            .selectFrom('report_packages')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('number', 'like', `CUS-${day}-%`)
            .executeTakeFirstOrThrow()
        ).n,
      );
      const number = `CUS-${day}-${String(n + 1 + attempt).padStart(4, '0')}`;
      const files: Record<string, Uint8Array> = {
        'summary.pdf': await summaryPdf(number, createdAt, this.providerName, input.authority, items),
        'cases.json': strToU8(
          JSON.stringify(
            { number, authority: input.authority, createdAt, cases: items.map((i) => i.case) },
            null,
            2,
          ),
        ),
      };
      for (const i of items) files[`evidence/${i.case.id}.json`] = strToU8(JSON.stringify(i, null, 2));
      const manifest = Object.entries(files)
        .map(([name, bytes]) => `${sha256(bytes)}  ${name}`)
        .join('\n');
      files['manifest.sha256'] = strToU8(manifest + '\n');
      const archive = Buffer.from(zipSync(files, { level: 6, mtime: new Date(createdAt) }));
      const row: ReportPackageTable = {
        id: randomUUID(),
        number,
        case_ids: JSON.stringify(ids),
        authority: input.authority,
        created_by: actor.id,
        created_at: createdAt,
        manifest_sha256: sha256(manifest + '\n'),
        archive: archive.toString('base64'),
        submitted_at: null,
        submitted_to: null,
        receipt: null,
      };
      try {
        await transact(this.db, async (tx) => {
          await tx.db.insertInto('report_packages').values(row).execute();
          await this.audit.append(tx, {
            action: 'report.create',
            actor,
            requestId,
            target: { type: 'report', id: row.id },
            details: {
              number,
              cases: ids,
              manifestSha256: row.manifest_sha256,
              archiveSha256: sha256(archive),
            },
          });
        });
        return toView(row);
      } catch (err) {
        if (isUniqueViolation(err) && attempt < 5) continue;
        throw err;
      }
    }
  }

  /** Newest first; the archive itself stays in the database until downloaded. */
  async list(q: { limit: number; offset: number; submitted?: boolean } = { limit: 50, offset: 0 }) {
    const base = () => {
      const b = this.db.selectFrom('report_packages');
      if (q.submitted === undefined) return b;
      return b.where('submitted_at', q.submitted ? 'is not' : 'is', null);
    };
    const [rows, count] = await Promise.all([
      base()
        .select([
          'id',
          'number',
          'case_ids',
          'authority',
          'created_by',
          'created_at',
          'manifest_sha256',
          'submitted_at',
          'submitted_to',
          'receipt',
        ])
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(q.limit)
        .offset(q.offset)
        .execute(),
      base()
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    ]);
    return {
      items: rows.map((r) => toView({ ...r, archive: '' })),
      total: Number(count.n),
      limit: q.limit,
      offset: q.offset,
    };
  }

  async download(
    actor: ActorRef,
    id: string,
    requestId?: string,
  ): Promise<{ number: string; archive: Buffer }> {
    const r = await this.db.selectFrom('report_packages').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw notFound('Report package');
    await transact(this.db, (tx) =>
      this.audit.append(tx, { action: 'report.download', actor, requestId, target: { type: 'report', id } }),
    );
    return { number: r.number, archive: Buffer.from(r.archive, 'base64') };
  }

  async recordSubmission(
    actor: ActorRef,
    id: string,
    input: { submittedTo: string; receipt?: string; submittedAt?: string },
    requestId?: string,
  ): Promise<ReportView> {
    return transact(this.db, async (tx) => {
      const r = await tx.db.selectFrom('report_packages').selectAll().where('id', '=', id).executeTakeFirst();
      if (!r) throw notFound('Report package');
      const set = {
        submitted_to: input.submittedTo,
        receipt: input.receipt ?? null,
        submitted_at: input.submittedAt ? new Date(input.submittedAt).toISOString() : nowIso(),
      };
      await tx.db.updateTable('report_packages').set(set).where('id', '=', id).execute();
      await this.audit.append(tx, {
        action: 'report.submit',
        actor,
        requestId,
        target: { type: 'report', id },
        // The authority as typed by staff: it may name an officer and a contact, kept masked in the log.
        details: { submittedTo: auditText(set.submitted_to), receipt: set.receipt !== null },
      });
      return toView({ ...r, ...set });
    });
  }
}
