import { useTranslation } from 'react-i18next';
import { useRuleText, type Category, type PublishedPurpose, type PublishedRules } from './rules-data.js';

/** Fields compared between two versions of a purpose, in the order the rules show them. */
export const DIFF_FIELDS = [
  'nameZh',
  'nameEn',
  'descriptionZh',
  'descriptionEn',
  'legalBasis',
  'necessity',
  'necessityEn',
  'categories',
  'methods',
  'retentionDays',
  'retentionAction',
  'recipients',
  'crossBorder',
  'publicDisclosure',
  'minors',
] as const satisfies readonly (keyof PublishedPurpose)[];
export type DiffField = (typeof DIFF_FIELDS)[number];

export interface RulesDiff {
  added: PublishedPurpose[];
  removed: PublishedPurpose[];
  changed: { before: PublishedPurpose; after: PublishedPurpose; fields: DiffField[] }[];
}

/** Stable JSON: object keys sorted, so two equal values written in another key order compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value ?? null);
}

/** Purposes added and removed between two versions, and for the rest which fields changed. */
export function diffRules(
  from: Pick<PublishedRules, 'purposes'>,
  to: Pick<PublishedRules, 'purposes'>,
): RulesDiff {
  const before = new Map(from.purposes.map((p) => [p.key, p]));
  const after = new Map(to.purposes.map((p) => [p.key, p]));
  const diff: RulesDiff = { added: [], removed: [], changed: [] };
  for (const p of to.purposes) if (!before.has(p.key)) diff.added.push(p);
  for (const p of from.purposes) if (!after.has(p.key)) diff.removed.push(p);
  for (const p of to.purposes) {
    const old = before.get(p.key);
    if (!old) continue;
    const fields = DIFF_FIELDS.filter((f) => canonical(old[f]) !== canonical(p[f]));
    if (fields.length) diff.changed.push({ before: old, after: p, fields });
  }
  return diff;
}

/** Both versions' category labels, so a category one of them dropped still reads in words. */
const labelsOf = (a: PublishedRules, b: PublishedRules): Category[] => [
  ...b.categories,
  ...a.categories.filter((c) => !b.categories.some((x) => x.id === c.id)),
];

/**
 * What changed from one version to another, in words: purposes added, removed, and changed with their
 * fields and categories gained or lost. The portal's diff page and the console's publication preview
 * both show this.
 */
export function RulesDiffView({
  from,
  to,
  idPrefix = 'diff',
}: {
  from: PublishedRules;
  to: PublishedRules;
  idPrefix?: string;
}) {
  const { t } = useTranslation();
  const text = useRuleText(labelsOf(from, to));
  const diff = diffRules(from, to);
  const list = (ids: string[]) => ids.map(text.category).join(t('publicRules.listSeparator'));
  if (!diff.added.length && !diff.removed.length && !diff.changed.length)
    return <p>{t('publicRules.diffNone')}</p>;
  return (
    <>
      {diff.added.length ? (
        <section aria-labelledby={`${idPrefix}-added`}>
          <h2 id={`${idPrefix}-added`}>{t('publicRules.diffAdded')}</h2>
          <ul>
            {diff.added.map((p) => (
              <li key={p.key}>{text.name(p)}</li>
            ))}
          </ul>
        </section>
      ) : null}
      {diff.removed.length ? (
        <section aria-labelledby={`${idPrefix}-removed`}>
          <h2 id={`${idPrefix}-removed`}>{t('publicRules.diffRemoved')}</h2>
          <ul>
            {diff.removed.map((p) => (
              <li key={p.key}>{text.name(p)}</li>
            ))}
          </ul>
        </section>
      ) : null}
      {diff.changed.length ? (
        <section aria-labelledby={`${idPrefix}-changed`}>
          <h2 id={`${idPrefix}-changed`}>{t('publicRules.diffChanged')}</h2>
          <ul className="diff-list">
            {diff.changed.map((c) => {
              const gained = c.after.categories.filter((x) => !c.before.categories.includes(x));
              const lost = c.before.categories.filter((x) => !c.after.categories.includes(x));
              return (
                <li key={c.after.key}>
                  <strong>{text.name(c.after)}</strong>
                  <p>
                    {t('publicRules.diffFields', {
                      fields: c.fields
                        .map((f) => t(`rulesText.field.${f}`))
                        .join(t('publicRules.listSeparator')),
                    })}
                  </p>
                  {gained.length ? (
                    <p>{t('publicRules.diffCategoriesAdded', { list: list(gained) })}</p>
                  ) : null}
                  {lost.length ? <p>{t('publicRules.diffCategoriesRemoved', { list: list(lost) })}</p> : null}
                </li>
              );
            })}
          </ul>
        </section>
      ) : null}
    </>
  );
}
