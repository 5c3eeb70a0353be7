import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api.js';
import { DataTable } from '../components/data-table.js';
import { ErrorBanner } from '../components/error-banner.js';
import { PagePagination } from '../components/pagination.js';
import { PageHead } from '../components/page-head.js';
import { useDateTime } from '../format.js';
import { useLoad } from '../use-load.js';
import { useTitle } from '../use-title.js';

const PAGE = 20;

interface Message {
  id: string;
  channel: string;
  recipient: string;
  subject: string | null;
  body: string;
  createdAt: string;
}

/** The development outbox: every SMS and e-mail the platform would have sent. */
export function OutboxPage() {
  const { t } = useTranslation();
  useTitle(t('outbox.title'));
  const dt = useDateTime();
  const [offset, setOffset] = useState(0);
  const list = useLoad(
    () => call(api.GET('/api/v1/outbox', { params: { query: { limit: PAGE, offset } } })),
    [offset],
  );

  return (
    <div className="page">
      <PageHead title={t('outbox.title')}>
        <button type="button" className="button" onClick={list.reload}>
          {t('common.refresh')}
        </button>
      </PageHead>
      <p className="lead">{t('outbox.intro')}</p>
      {list.data ? (
        <p>
          {t('outbox.notifier', { kind: list.data.notifier })}
          {list.data.notifier !== 'outbox' ? ` ${t('outbox.notOutbox')}` : null}
        </p>
      ) : null}
      <ErrorBanner error={list.error} />
      <DataTable<Message>
        caption={t('outbox.list')}
        loading={list.loading}
        rows={list.data?.items}
        rowKey={(m) => m.id}
        columns={[
          { key: 'at', header: t('outbox.colAt'), className: 'nowrap', render: (m) => dt(m.createdAt) },
          {
            key: 'channel',
            header: t('outbox.colChannel'),
            render: (m) => <span className="badge">{m.channel}</span>,
          },
          {
            key: 'to',
            header: t('outbox.colRecipient'),
            render: (m) => <span className="mono">{m.recipient}</span>,
          },
          { key: 'subject', header: t('outbox.colSubject'), render: (m) => m.subject ?? t('common.none') },
          { key: 'body', header: t('outbox.colBody'), className: 'pre', render: (m) => m.body },
        ]}
      />
      <PagePagination page={list.data} offset={offset} limit={PAGE} onChange={setOffset} />
    </div>
  );
}
