import { useTranslation } from 'react-i18next';
import { Preparing } from './preparing.js';

export function RequestsPage() {
  const { t } = useTranslation();
  return <Preparing title={t('portal.requests')} desc={t('portal.requestsDesc')} />;
}
