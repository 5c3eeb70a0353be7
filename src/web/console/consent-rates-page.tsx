import { focusFirstProblem } from '../focus.js';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { paths } from '../../client/schema.js';
import { api, call } from '../api.js';
import { DataTable } from '../components/data-table.js';
import { ErrorBanner } from '../components/error-banner.js';
import { SelectField, TextField } from '../components/form-field.js';
import { Loading } from '../components/loading.js';
import { useFormErrors } from '../form-errors.js';
import { useTitle } from '../use-title.js';

type Stats = paths['/api/v1/consents/stats']['get']['responses'][200]['content']['application/json'];
type Series = Stats['purposes'][number];
type Point = Series['buckets'][number];

// Days as the server counts them by default: in China Standard Time, not UTC (which is yesterday there
// until 08:00).
const chinaDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' });
const today = () => chinaDay.format(new Date());
const daysAgo = (n: number) => chinaDay.format(new Date(Date.now() - n * 86_400_000));

/** Consent rates per purpose over time (consents given, withdrawn, and the share of people consenting). */
export function ConsentRatesPage() {
  const { t } = useTranslation();
  useTitle(t('consentRates.title'));
  const [purpose, setPurpose] = useState('');
  const [from, setFrom] = useState(daysAgo(29));
  const [to, setTo] = useState(today());
  const [bucket, setBucket] = useState<'day' | 'week'>('day');
  const [data, setData] = useState<Stats>();
  const [loading, setLoading] = useState(false);
  const errors = useFormErrors(['purpose', 'from', 'to', 'bucket']);

  const load = async (e?: FormEvent) => {
    e?.preventDefault();
    errors.clear();
    setLoading(true);
    try {
      setData(
        await call(
          api.GET('/api/v1/consents/stats', {
            params: { query: { purpose: purpose.trim() || undefined, from, to, bucket } },
          }),
        ),
      );
    } catch (err) {
      setData(undefined);
      errors.show(err);
      focusFirstProblem();
    } finally {
      setLoading(false);
    }
  };

  return (
    <div className="page">
      <h1>{t('consentRates.title')}</h1>
      <p className="lead">{t('consentRates.intro')}</p>
      <ErrorBanner message={errors.banner} />
      <form onSubmit={load} className="filters" noValidate>
        <TextField
          label={t('consentRates.purpose')}
          hint={t('consentRates.purposeHint')}
          value={purpose}
          onChange={setPurpose}
          error={errors.field('purpose')}
          autoComplete="off"
          spellCheck={false}
        />
        <TextField
          type="date"
          label={t('consentRates.from')}
          value={from}
          onChange={setFrom}
          error={errors.field('from')}
        />
        <TextField
          type="date"
          label={t('consentRates.to')}
          value={to}
          onChange={setTo}
          error={errors.field('to')}
        />
        <SelectField
          label={t('consentRates.bucket')}
          value={bucket}
          onChange={(v) => setBucket(v === 'week' ? 'week' : 'day')}
          error={errors.field('bucket')}
          options={[
            { value: 'day', label: t('consentRates.day') },
            { value: 'week', label: t('consentRates.week') },
          ]}
        />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={loading}>
            {t('consentRates.show')}
          </button>
        </div>
      </form>
      {loading && !data ? <Loading /> : null}
      {data && !data.purposes.length ? <p>{t('consentRates.empty')}</p> : null}
      {data?.purposes.map((s) => (
        <PurposeRates key={s.purpose} series={s} />
      ))}
    </div>
  );
}

const pct = (r: number | null) => (r === null ? '—' : `${Math.round(r * 1000) / 10}%`);

function PurposeRates({ series }: { series: Series }) {
  const { t } = useTranslation();
  const last = series.buckets.at(-1);
  return (
    <section className="panel" aria-labelledby={`rates-${series.purpose}`}>
      <h2 id={`rates-${series.purpose}`}>
        <code>{series.purpose}</code>
      </h2>
      {last ? (
        <p>
          {t('consentRates.summary', {
            rate: pct(last.rate),
            consenting: last.consenting,
            subjects: last.subjects,
          })}
        </p>
      ) : null}
      <RateChart series={series} />
      <details>
        <summary>{t('consentRates.tableToggle')}</summary>
        <DataTable<Point>
          caption={t('consentRates.caption', { purpose: series.purpose })}
          rows={series.buckets}
          rowKey={(b) => b.start}
          columns={[
            { key: 'start', header: t('consentRates.colStart'), className: 'nowrap', render: (b) => b.start },
            { key: 'given', header: t('consentRates.colGiven'), render: (b) => b.given },
            { key: 'withdrawn', header: t('consentRates.colWithdrawn'), render: (b) => b.withdrawn },
            { key: 'consenting', header: t('consentRates.colConsenting'), render: (b) => b.consenting },
            { key: 'subjects', header: t('consentRates.colSubjects'), render: (b) => b.subjects },
            { key: 'rate', header: t('consentRates.colRate'), render: (b) => pct(b.rate) },
          ]}
        />
      </details>
    </section>
  );
}

const W = 640;
const H = 200;
const PAD = { left: 44, right: 12, top: 12, bottom: 28 };

/**
 * The rate as a line over a shaded area, hand-drawn in SVG (no chart library): 0–100 % upwards, buckets
 * left to right. Screen readers get its title and summary; the table beside it holds every number.
 */
function RateChart({ series }: { series: Series }) {
  const { t } = useTranslation();
  const id = useId();
  const n = series.buckets.length;
  const x = (i: number) =>
    PAD.left + (n > 1 ? (i * (W - PAD.left - PAD.right)) / (n - 1) : (W - PAD.left - PAD.right) / 2);
  const y = (r: number) => PAD.top + (1 - r) * (H - PAD.top - PAD.bottom);
  // Gaps where nobody has an entry yet (rate null) break the line.
  const runs: { i: number; r: number }[][] = [];
  let run: { i: number; r: number }[] = [];
  series.buckets.forEach((b, i) => {
    if (b.rate === null) {
      if (run.length) runs.push(run);
      run = [];
    } else run.push({ i, r: b.rate });
  });
  if (run.length) runs.push(run);
  const line = (pts: { i: number; r: number }[]) =>
    pts.map((p, k) => `${k ? 'L' : 'M'}${x(p.i).toFixed(1)},${y(p.r).toFixed(1)}`).join('');
  const area = (pts: { i: number; r: number }[]) =>
    `${line(pts)}L${x(pts[pts.length - 1].i).toFixed(1)},${y(0)}L${x(pts[0].i).toFixed(1)},${y(0)}Z`;
  const ticks = n > 2 ? [0, Math.floor((n - 1) / 2), n - 1] : [...Array(n).keys()];
  const last = series.buckets.at(-1);
  return (
    <svg
      className="rate-chart"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-labelledby={`${id}-title ${id}-desc`}
      style={{ width: '100%', maxWidth: `${W}px`, height: 'auto' }}
    >
      <title id={`${id}-title`}>{t('consentRates.chartTitle', { purpose: series.purpose })}</title>
      <desc id={`${id}-desc`}>
        {t('consentRates.chartDesc', {
          from: series.buckets[0]?.start ?? '',
          to: last?.start ?? '',
          rate: pct(last?.rate ?? null),
        })}
      </desc>
      {[0, 0.5, 1].map((r) => (
        <g key={r}>
          <line
            x1={PAD.left}
            x2={W - PAD.right}
            y1={y(r)}
            y2={y(r)}
            stroke="currentColor"
            strokeOpacity={0.15}
          />
          <text x={PAD.left - 6} y={y(r) + 4} textAnchor="end" fontSize={11} fill="currentColor">
            {r * 100}%
          </text>
        </g>
      ))}
      {ticks.map((i) => (
        <text key={i} x={x(i)} y={H - 8} textAnchor="middle" fontSize={11} fill="currentColor">
          {series.buckets[i].start.slice(5)}
        </text>
      ))}
      {runs.map((pts, k) => (
        <g key={k}>
          <path d={area(pts)} fill="#2f6fde" fillOpacity={0.15} />
          <path d={line(pts)} fill="none" stroke="#2f6fde" strokeWidth={2} />
          {pts.length === 1 ? <circle cx={x(pts[0].i)} cy={y(pts[0].r)} r={3} fill="#2f6fde" /> : null}
        </g>
      ))}
    </svg>
  );
}
