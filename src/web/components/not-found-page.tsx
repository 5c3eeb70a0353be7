import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useTitle } from '../use-title.js';

export function NotFoundPage({ home }: { home: string }) {
  const { t } = useTranslation();
  useTitle(t('common.notFoundTitle'));
  return (
    <div className="page">
      <h1>{t('common.notFoundTitle')}</h1>
      <p>{t('common.notFoundText')}</p>
      <p>
        <Link to={home}>{t('common.backHome')}</Link>
      </p>
    </div>
  );
}
