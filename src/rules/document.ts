import { DATA_CATEGORIES, separateRequirements, type Purpose, type SeparateKind } from './register.js';
import type { RulesVersion } from './service.js';

export const DOC_LANGS = ['zh-CN', 'en'] as const;
export type DocLang = (typeof DOC_LANGS)[number];

/** One term and its value; `checklist` marks the lists NDSR 21 asks for (information, recipients). */
export interface DocFact {
  term: string;
  items: string[];
  checklist?: boolean;
}

export interface DocLink {
  /** Words before the link, e.g. how to use it. */
  lead?: string;
  text: string;
  href: string;
}

export interface DocSection {
  id: string;
  heading: string;
  paragraphs: string[];
  /** A plain bulleted list after the paragraphs. */
  bullets: string[];
  facts: DocFact[];
  links: DocLink[];
  subsections: DocSection[];
}

/** The published rules as structured text in one language, ready for HTML or PDF. */
export interface RulesDocument {
  lang: DocLang;
  title: string;
  provider: string;
  intro: string;
  version: number;
  /** Version, effective date, publication date, SHA-256 of the published snapshot. */
  meta: DocFact[];
  sections: DocSection[];
}

type Text = typeof ZH;

const ZH = {
  title: '个人信息收集使用规则',
  intro: (p: string) =>
    `本规则说明${p}收集哪些个人信息、为何以及如何收集使用、保存多久、向谁提供，以及您享有的权利和行使方式。`,
  version: '版本',
  versionValue: (v: number) => `第 ${v} 版`,
  effective: '生效时间',
  published: '发布时间',
  sha: 'SHA-256 指纹',
  timeZone: '（北京时间）',
  purposes: '收集的个人信息清单（按业务功能）',
  noPurposes: '本版本未列出处理目的。',
  legalBasis: '合法性基础',
  collected: '收集的个人信息',
  sensitive: '敏感个人信息',
  necessity: '必要性说明',
  methods: '收集方式',
  retention: '保存期限',
  retentionText: (d: number, a: string) => `保存 ${d} 天，届满后${a}。`,
  recipients: '信息接收方',
  noRecipients: '不向他人提供。',
  recipient: (r: { name: string; kind: string; purpose: string; categories: string; contract?: string }) =>
    `${r.name}（${r.kind}）；目的：${r.purpose}${r.categories ? `；信息：${r.categories}` : ''}${r.contract ? `；协议：${r.contract}` : ''}`,
  recipientFor: (purpose: string) => `（用于：${purpose}）`,
  crossBorder: '向境外提供',
  crossBorderRow: (recipient: string, destination: string, mechanism: string) =>
    `${destination}的${recipient}（${mechanism}）`,
  separate: '需要单独同意',
  publicDisclosure: '这些信息可能会被公开。',
  recipientsTitle: '信息接收方清单',
  recipientsNone: '我们不向任何第三方或受托处理者提供个人信息。',
  retentionTitle: '保存期限及期满处理',
  minorsTitle: '不满十四周岁未成年人个人信息处理规则',
  minorsIntro:
    '为以下目的，我们仅在取得其父母或其他监护人同意后，按专门规则处理不满十四周岁未成年人的个人信息：',
  minorsNone: '我们不会有意处理不满十四周岁未成年人的个人信息；如发现误收集，将及时删除。',
  rightsTitle: '您的权利及行使方式',
  rightsIntro: '您对您的个人信息享有以下权利：',
  rights: [
    '了解您的个人信息如何被处理，并可要求我们解释说明本规则；',
    '查阅、复制您的个人信息，并在符合条件时将其转移至您指定的处理者；',
    '要求更正、补充不准确或不完整的个人信息；',
    '要求删除个人信息，限制或拒绝我们处理；',
    '注销账号；',
    '随时撤回同意；撤回不影响撤回前基于同意已进行的处理。',
  ],
  rightsHow: '您可以通过以下页面提出申请，我们将在法定期限内答复：',
  rightsLink: '提出个人信息权利申请',
  officerTitle: '个人信息保护负责人',
  officerIntro: '个人信息保护负责人的联系方式：',
  officerNone: '请通过个人信息权利申请页面联系我们的个人信息保护负责人。',
  complaintTitle: '投诉、举报渠道',
  complaintIntro: '如您认为您的个人信息受到违法处理，可以通过以下渠道投诉、举报：',
  complaintLink: '举报或投诉',
  complaintAuthority: '您也可以向网信部门投诉、举报（网址：www.12377.cn，电话：12377）。',
  list: '、',
  legal: {
    consent: '取得您的同意',
    contract: '订立、履行合同所必需',
    legal_duty: '履行法定职责或法定义务所必需',
    emergency: '应对突发公共卫生事件或保护生命健康和财产安全',
    news: '新闻报道、舆论监督',
    public_information: '已合法公开的信息',
    other_law: '法律、行政法规规定的其他情形',
  } as Record<string, string>,
  method: {
    form: '由您填写',
    device: '从您的设备收集',
    third_party: '从第三方获取',
    public_source: '从公开渠道获取',
  } as Record<string, string>,
  action: { delete: '删除', anonymise: '匿名化处理' } as Record<string, string>,
  kind: { third_party: '第三方', processor: '受托处理者' } as Record<string, string>,
  mechanism: {
    security_assessment: '安全评估',
    standard_contract: '标准合同',
    certification: '认证',
    exempt: '豁免',
  } as Record<string, string>,
  separateKind: {
    sensitive: '处理敏感个人信息的单独同意',
    provision: '向他人提供的单独同意',
    disclosure: '公开的单独同意',
    cross_border: '向境外提供的单独同意',
    guardian: '父母或其他监护人的同意',
  } as Record<SeparateKind, string>,
};

const EN: Text = {
  title: 'Rules for the collection and use of personal information',
  intro: (p: string) =>
    `These rules tell you what personal information ${p} collects, why and how it is used, how long it is kept, who receives it, and your rights and how to exercise them.`,
  version: 'Version',
  versionValue: (v: number) => `Version ${v}`,
  effective: 'In force from',
  published: 'Published',
  sha: 'SHA-256 fingerprint',
  timeZone: ' (Beijing time)',
  purposes: 'Information collected, by business function',
  noPurposes: 'This version lists no purposes.',
  legalBasis: 'Legal basis',
  collected: 'Personal information collected',
  sensitive: 'sensitive',
  necessity: 'Why it is necessary',
  methods: 'How it is collected',
  retention: 'Retention',
  retentionText: (d: number, a: string) => `Kept for ${d} days, then ${a}.`,
  recipients: 'Who receives it',
  noRecipients: 'Not provided to anyone else.',
  recipient: (r) =>
    `${r.name} (${r.kind}); purpose: ${r.purpose}${r.categories ? `; information: ${r.categories}` : ''}${r.contract ? `; agreement: ${r.contract}` : ''}`,
  recipientFor: (purpose: string) => ` (for: ${purpose})`,
  crossBorder: 'Transfers outside the mainland',
  crossBorderRow: (recipient, destination, mechanism) => `${recipient} in ${destination} (${mechanism})`,
  separate: 'Separate consent needed',
  publicDisclosure: 'This information may be made public.',
  recipientsTitle: 'Checklist of recipients',
  recipientsNone: 'We do not provide personal information to any third party or entrusted processor.',
  retentionTitle: 'Retention and what happens at its end',
  minorsTitle: 'Rules for personal information of children under 14',
  minorsIntro:
    'For these purposes we process the personal information of children under 14 only with the consent of a parent or guardian, under special rules:',
  minorsNone:
    'We do not knowingly process personal information of children under 14; if we find we have, we delete it promptly.',
  rightsTitle: 'Your rights and how to exercise them',
  rightsIntro: 'You have these rights over your personal information:',
  rights: [
    'to know how your personal information is processed, and to ask us to explain these rules;',
    'to access and copy your personal information, and where the conditions are met to have it transferred to a handler you name;',
    'to have inaccurate or incomplete information corrected or completed;',
    'to have your information deleted, and to restrict or refuse its processing;',
    'to cancel your account;',
    'to withdraw your consent at any time; withdrawing does not affect processing already carried out on the basis of it.',
  ],
  rightsHow: 'Make your request on this page; we answer within the time limits set by law:',
  rightsLink: 'Make a personal-information request',
  officerTitle: 'Personal information protection officer',
  officerIntro: 'Contact of the personal information protection officer:',
  officerNone: 'Reach our personal information protection officer through the request page.',
  complaintTitle: 'Complaints and reports',
  complaintIntro: 'If you think your personal information is handled unlawfully, you can complain here:',
  complaintLink: 'Report or complain',
  complaintAuthority:
    'You may also complain to the cyberspace administration (www.12377.cn, telephone 12377).',
  list: ', ',
  legal: {
    consent: 'Your consent',
    contract: 'Necessary for a contract with you',
    legal_duty: 'Necessary for a legal duty',
    emergency: 'Public health emergency or protection of life and property',
    news: 'News reporting and supervision by public opinion',
    public_information: 'Information already lawfully made public',
    other_law: 'Other circumstances provided by law',
  },
  method: {
    form: 'You fill it in',
    device: 'Collected from your device',
    third_party: 'Received from third parties',
    public_source: 'From public sources',
  },
  action: { delete: 'deleted', anonymise: 'anonymised' },
  kind: { third_party: 'third party', processor: 'entrusted processor' },
  mechanism: {
    security_assessment: 'security assessment',
    standard_contract: 'standard contract',
    certification: 'certification',
    exempt: 'exempt',
  },
  separateKind: {
    sensitive: 'Separate consent to processing sensitive information',
    provision: 'Separate consent to provision to others',
    disclosure: 'Separate consent to public disclosure',
    cross_border: 'Separate consent to transfer outside the mainland',
    guardian: 'Consent of a parent or guardian',
  },
};

const section = (id: string, heading: string, s: Partial<DocSection> = {}): DocSection => ({
  id,
  heading,
  paragraphs: [],
  bullets: [],
  facts: [],
  links: [],
  subsections: [],
  ...s,
});

/** A date and time as people in mainland China read it, in the document's language. */
export function formatDocTime(iso: string, lang: DocLang): string {
  const f = new Intl.DateTimeFormat(lang, {
    timeZone: 'Asia/Shanghai',
    dateStyle: 'long',
    timeStyle: 'short',
    hourCycle: 'h23',
  });
  return f.format(new Date(iso)) + (lang === 'zh-CN' ? ZH.timeZone : EN.timeZone);
}

/**
 * The published rules in one language with everything NDSR 21 asks for: per business function the
 * information collected (sensitive marked, with why it is necessary), methods, retention and what happens at
 * its end, recipients; a checklist of recipients; rights and how to exercise them; the protection officer's
 * contact and the complaint channel (GB/T 35273 5.5); a separate section for children under 14.
 * Pure: no I/O. `portalUrl` is where the portal lives (links to requests and complaints).
 * @example rulesDocument(await rules.version(3), 'en', 'https://privacy.example.cn')
 */
export function rulesDocument(v: RulesVersion, lang: DocLang, portalUrl = ''): RulesDocument {
  const T = lang === 'zh-CN' ? ZH : EN;
  const zh = lang === 'zh-CN';
  const label = (id: string) => {
    const c = DATA_CATEGORIES.find((x) => x.id === id);
    return c ? (zh ? c.zh : c.en) : id;
  };
  const name = (p: Purpose) => (zh ? p.nameZh || p.nameEn : p.nameEn || p.nameZh);
  const description = (p: Purpose) =>
    zh ? p.descriptionZh || p.descriptionEn : p.descriptionEn || p.descriptionZh;
  const recipientPurpose = (r: Purpose['recipients'][number]) => (zh ? r.purpose : r.purposeEn || r.purpose);
  const recipientName = (r: Purpose['recipients'][number]) => (zh ? r.name : r.nameEn || r.name);
  const provider = v.organisation.providerName;
  const base = portalUrl.replace(/\/+$/, '');

  const purposeSection = (p: Purpose): DocSection => {
    const sensitive = p.categories.filter((c) => DATA_CATEGORIES.some((x) => x.id === c && x.sensitive));
    const facts: DocFact[] = [
      { term: T.legalBasis, items: [T.legal[p.legalBasis] ?? p.legalBasis] },
      {
        term: T.collected,
        checklist: true,
        items: p.categories.map((c) =>
          sensitive.includes(c) ? `${label(c)}${zh ? `（${T.sensitive}）` : ` (${T.sensitive})`}` : label(c),
        ),
      },
    ];
    const necessity = zh ? p.necessity || p.necessityEn : p.necessityEn || p.necessity;
    if (necessity && (sensitive.length || p.recipients.some((r) => r.kind === 'third_party')))
      facts.push({ term: T.necessity, items: [necessity] });
    facts.push(
      { term: T.methods, items: [p.methods.map((m) => T.method[m] ?? m).join(T.list)] },
      { term: T.retention, items: [T.retentionText(p.retentionDays, T.action[p.retentionAction])] },
      {
        term: T.recipients,
        checklist: p.recipients.length > 0,
        items: p.recipients.length
          ? p.recipients.map((r) =>
              T.recipient({
                name: recipientName(r),
                kind: T.kind[r.kind],
                purpose: recipientPurpose(r),
                categories: r.categories.map(label).join(T.list),
                contract: r.contract,
              }),
            )
          : [T.noRecipients],
      },
    );
    if (p.crossBorder.length)
      facts.push({
        term: T.crossBorder,
        items: p.crossBorder.map((c) =>
          T.crossBorderRow(
            zh ? c.recipient : c.recipientEn || c.recipient,
            zh ? c.destination : c.destinationEn || c.destination,
            T.mechanism[c.mechanism],
          ),
        ),
      });
    const separate = separateRequirements(p);
    if (separate.length) facts.push({ term: T.separate, items: separate.map((s) => T.separateKind[s]) });
    return section(`purpose-${p.key}`, name(p), {
      paragraphs: [description(p), ...(p.publicDisclosure ? [T.publicDisclosure] : [])].filter(Boolean),
      facts,
    });
  };

  const allRecipients = v.purposes.flatMap((p) =>
    p.recipients.map(
      (r) =>
        T.recipient({
          name: recipientName(r),
          kind: T.kind[r.kind],
          purpose: recipientPurpose(r),
          categories: r.categories.map(label).join(T.list),
          contract: r.contract,
        }) + T.recipientFor(name(p)),
    ),
  );
  const minors = v.purposes.filter((p) => p.minors);
  const org = v.organisation;

  return {
    lang,
    title: T.title,
    provider,
    intro: T.intro(provider),
    version: v.version,
    meta: [
      { term: T.version, items: [T.versionValue(v.version)] },
      { term: T.effective, items: [formatDocTime(v.effectiveAt, lang)] },
      { term: T.published, items: [formatDocTime(v.publishedAt, lang)] },
      { term: T.sha, items: [v.sha256] },
    ],
    sections: [
      section('purposes', T.purposes, {
        paragraphs: v.purposes.length ? [] : [T.noPurposes],
        subsections: v.purposes.map(purposeSection),
      }),
      section('recipients', T.recipientsTitle, {
        paragraphs: allRecipients.length ? [] : [T.recipientsNone],
        facts: allRecipients.length ? [{ term: T.recipients, items: allRecipients, checklist: true }] : [],
      }),
      section('retention', T.retentionTitle, {
        facts: v.purposes.map((p) => ({
          term: name(p),
          items: [T.retentionText(p.retentionDays, T.action[p.retentionAction])],
        })),
      }),
      section('minors', T.minorsTitle, {
        paragraphs: [minors.length ? T.minorsIntro : T.minorsNone],
        bullets: minors.map(name),
      }),
      section('rights', T.rightsTitle, {
        paragraphs: [T.rightsIntro],
        bullets: T.rights,
        links: [{ lead: T.rightsHow, text: T.rightsLink, href: `${base}/requests` }],
      }),
      section('officer', T.officerTitle, {
        paragraphs: org.officerContact ? [T.officerIntro, org.officerContact] : [T.officerNone],
        links: org.officerContact ? [] : [{ text: T.rightsLink, href: `${base}/requests` }],
      }),
      section('complaint', T.complaintTitle, {
        paragraphs: [
          T.complaintIntro,
          ...(org.complaintChannel ? [org.complaintChannel] : []),
          T.complaintAuthority,
        ],
        links: org.complaintChannel ? [] : [{ text: T.complaintLink, href: `${base}/reports` }],
      }),
    ],
  };
}
