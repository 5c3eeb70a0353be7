import { useTranslation } from 'react-i18next';
import { Preparing } from './preparing.js';

export function ReportsPage() {
  const { t } = useTranslation();
  return (
    <Preparing title={t('portal.reports')} desc={t('portal.reportsDesc')}>
      <p>{t('portal.hotlines')}</p>
    </Preparing>
  );
}
