/** A rule-set category: a stable id with labels for the console (Simplified Chinese and English). */
export interface Category {
  id: string;
  zh: string;
  en: string;
  /** Where the category comes from, so a reader can check it. */
  source: string;
}

// ICP Measures 15: the nine prohibited kinds of information (互联网信息服务管理办法 第十五条).
const ICP_15 = 'ICP Measures 15';

/**
 * Default categories: the nine prohibited kinds of ICP Measures 15, then the kinds a provider screens for
 * under other instruments. Categories are extensible: a rule may carry any string id.
 *
 * @example
 * DEFAULT_CATEGORIES.find((c) => c.id === 'gambling')?.zh; // '赌博'
 */
export const DEFAULT_CATEGORIES: readonly Category[] = Object.freeze([
  {
    id: 'constitution',
    zh: '反对宪法所确定的基本原则',
    en: 'Opposes the basic principles of the Constitution',
    source: `${ICP_15}(1)`,
  },
  {
    id: 'state-security',
    zh: '危害国家安全，泄露国家秘密，颠覆国家政权，破坏国家统一',
    en: 'Endangers national security, leaks state secrets, subverts state power, undermines national unity',
    source: `${ICP_15}(2)`,
  },
  {
    id: 'national-honour',
    zh: '损害国家荣誉和利益',
    en: 'Harms the honour and interests of the nation',
    source: `${ICP_15}(3)`,
  },
  {
    id: 'ethnic-hatred',
    zh: '煽动民族仇恨、民族歧视，破坏民族团结',
    en: 'Incites ethnic hatred or discrimination, undermines ethnic unity',
    source: `${ICP_15}(4)`,
  },
  {
    id: 'cults-superstition',
    zh: '破坏国家宗教政策，宣扬邪教和封建迷信',
    en: 'Undermines state religious policy, promotes cults or feudal superstition',
    source: `${ICP_15}(5)`,
  },
  {
    id: 'rumours',
    zh: '散布谣言，扰乱社会秩序，破坏社会稳定',
    en: 'Spreads rumours, disturbs social order or stability',
    source: `${ICP_15}(6)`,
  },
  {
    id: 'obscenity-violence',
    zh: '散布淫秽、色情、赌博、暴力、凶杀、恐怖或者教唆犯罪',
    en: 'Obscenity, pornography, gambling, violence, murder, terror or instigation of crime',
    source: `${ICP_15}(7)`,
  },
  {
    id: 'defamation',
    zh: '侮辱或者诽谤他人，侵害他人合法权益',
    en: 'Insults or defames others, infringes their lawful rights',
    source: `${ICP_15}(8)`,
  },
  {
    id: 'other',
    zh: '含有法律、行政法规禁止的其他内容',
    en: 'Other content prohibited by laws or administrative regulations',
    source: `${ICP_15}(9)`,
  },
  // Decision 1 and 3; PIPL 10: no buying, selling or illegally providing personal information.
  {
    id: 'personal-information-trading',
    zh: '买卖个人信息',
    en: 'Trading in personal information',
    source: 'Decision 1, 3; PIPL 10',
  },
  { id: 'fraud', zh: '电信网络诈骗', en: 'Telecom and online fraud', source: 'Anti-Telecom-Fraud Law 25' },
  { id: 'gambling', zh: '赌博', en: 'Gambling', source: `${ICP_15}(7); Criminal Law 303` },
  // Decision 7: no commercial electronic messages without consent.
  { id: 'spam', zh: '垃圾信息', en: 'Spam and unsolicited commercial messages', source: 'Decision 7' },
]);

/** Ids of the default categories. */
export const DEFAULT_CATEGORY_IDS: readonly string[] = Object.freeze(DEFAULT_CATEGORIES.map((c) => c.id));

/**
 * Label of a category id in the given language; unknown (custom) ids are returned as they are.
 *
 * @example
 * categoryLabel('fraud', 'en'); // 'Telecom and online fraud'
 * categoryLabel('my-custom', 'zh'); // 'my-custom'
 */
export function categoryLabel(id: string, lang: 'zh' | 'en'): string {
  const c = DEFAULT_CATEGORIES.find((x) => x.id === id);
  return c ? c[lang] : id;
}
