import { useTranslation } from 'react-i18next';
import { Preparing } from './preparing.js';

export function RulesPage() {
  const { t } = useTranslation();
  return <Preparing title={t('portal.rules')} desc={t('portal.rulesDesc')} />;
}
