import { useTranslation } from 'react-i18next';
import { Preparing } from './preparing.js';

// Decision art. 9: anyone may report; the two national centres take reports too.
const HOTLINES = [
  { phone: '12377', name: 'portal.hotline12377', site: 'https://www.12377.cn' },
  { phone: '12321', name: 'portal.hotline12321', site: 'https://www.12321.cn' },
] as const;

export function ReportsPage() {
  const { t } = useTranslation();
  return (
    <Preparing title={t('portal.reports')} desc={t('portal.reportsDesc')}>
      <p>{t('portal.hotlines')}</p>
      <ul className="hotlines">
        {HOTLINES.map((h) => (
          <li key={h.phone}>
            <strong>{t(h.name)}</strong>
            <br />
            <a href={`tel:${h.phone}`}>{h.phone}</a> · <a href={h.site}>{h.site.replace('https://', '')}</a>
          </li>
        ))}
      </ul>
    </Preparing>
  );
}
