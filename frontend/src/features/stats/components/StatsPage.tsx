import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import type { EChartsOption } from 'echarts';
import { Empty, LoadError, Loading } from '../../../components/feedback';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { formatDateTime } from '../../../lib/format';
import { useI18n, type MessageKey } from '../../../lib/i18n';
import { downloads, getAnnual, getCalendar, type RankRow, type StatsReport } from '../api/stats';
import { average, growth, money, percent, points, trend, units } from '../lib/figures';
import { useSession } from '../../../lib/session';
import { isAnalyst, isHouseReporter } from '../lib/access';
import { Chart } from './Chart';

const TABLES = ['headline', 'price_bands', 'energy', 'provinces', 'top30_units', 'top30_turnover', 'monthly'] as const;

export function StatsPage() {
  const { t } = useI18n();
  useDocumentTitle(t('stats.title'));
  const [years, setYears] = useState<number[] | null>(null);
  const [year, setYear] = useState<number | null>(null);
  const [report, setReport] = useState<StatsReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const session = useSession();

  useEffect(() => {
    getCalendar()
      .then(({ items }) => {
        const published = [...new Set(items.filter((e) => e.published && /^\d{4}$/.test(e.period)).map((e) => Number(e.period)))];
        published.sort((a, b) => b - a);
        setYears(published);
        setYear(published[0] ?? null);
      })
      .catch(setError);
  }, []);
  useEffect(() => {
    if (year === null) return;
    setReport(null);
    getAnnual(year).then(setReport).catch(setError);
  }, [year]);

  if (error) return <LoadError error={error} />;
  if (years === null) return <Loading />;
  return (
    <div className="page wide stats-page">
      <div className="results-head">
        <h1>{t('stats.title')}</h1>
        {years.length > 0 && (
          <label className="field inline">
            <span>{t('stats.year')}</span>
            <select value={year ?? ''} onChange={(e) => setYear(Number(e.target.value))} data-testid="stats-year">
              {years.map((y) => (
                <option key={y} value={y}>
                  {y}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <p className="muted">{t('stats.lead')}</p>
      {(isAnalyst(session.me) || isHouseReporter(session.me)) && (
        <p>
          <Link to="/stats/desk" className="btn" data-testid="stats-desk-link">
            {t('stats.desk.link')}
          </Link>
        </p>
      )}
      {years.length === 0 ? <Empty>{t('stats.none')}</Empty> : report ? <Report report={report} /> : <Loading />}
    </div>
  );
}

function Report({ report }: { report: StatsReport }) {
  const { t, locale } = useI18n();
  const year = report.year ?? Number(report.period);
  const version = report.version ?? 1;
  const links = downloads(year, version);
  return (
    <>
      <p className="muted small" data-testid="stats-version">
        {t('stats.version', { version })} · {t('stats.embargo', { time: formatDateTime(report.embargo_until, locale) })}
        {report.revision_note && report.revision_note.length > 0 && <> · {t('stats.revised', { count: report.revision_note.length })}</>}
      </p>
      <Headline report={report} />
      <Charts report={report} />
      <div className="stats-tables">
        <TopTable title={t('stats.top.units')} rows={report.top30_units} testId="top30-units" />
        <TopTable title={t('stats.top.turnover')} rows={report.top30_turnover} testId="top30-turnover" />
      </div>
      <p className="muted small" data-testid="small-cells-note">{t('stats.top.smallCells')}</p>
      <section className="section" aria-labelledby="stats-downloads">
        <h2 id="stats-downloads">{t('stats.downloads')}</h2>
        <ul className="stats-downloads">
          <li>
            <a href={links.xlsx} download data-testid="download-xlsx">
              {t('stats.download.xlsx')}
            </a>
          </li>
          {TABLES.map((table) => (
            <li key={table}>
              <a href={links.csv(table)} download data-testid={`download-${table}`}>
                {t('stats.download.csv', { table: t(`stats.table.${table}` as MessageKey) })}
              </a>
            </li>
          ))}
          <li>
            <a href={links.atom}>{t('stats.download.atom')}</a>
          </li>
        </ul>
      </section>
    </>
  );
}

function Card({ label, value, rate, extra, testId }: { label: string; value: string; rate?: number | null; extra?: string; testId: string }) {
  const { t } = useI18n();
  const dir = rate === undefined ? null : trend(rate);
  const arrow = dir === 'up' ? '▲' : dir === 'down' ? '▼' : '';
  return (
    <div className="card stats-card" data-testid={testId}>
      <div className="muted small">{label}</div>
      <div className="stats-value">{value}</div>
      {rate !== undefined && (
        <div className={`stats-trend stats-${dir}`}>
          {rate === null ? t('stats.yoyNa') : `${arrow} ${t('stats.yoy', { value: growth(rate) })}`}
        </div>
      )}
      {extra && <div className="muted small">{extra}</div>}
    </div>
  );
}

function Headline({ report: r }: { report: StatsReport }) {
  const { t, locale } = useI18n();
  return (
    <div className="stats-cards">
      <Card testId="card-turnover" label={t('stats.card.turnover')} value={money(r.turnover_fen, locale)} rate={r.yoy.turnover} />
      <Card testId="card-units" label={t('stats.card.units')} value={units(r.units, locale)} rate={r.yoy.units} />
      <Card testId="card-average" label={t('stats.card.average')} value={average(r.average_fen, locale)} rate={r.yoy.average} />
      <Card testId="card-houses" label={t('stats.card.houses')} value={r.houses_active.toLocaleString(locale)} />
      <Card
        testId="card-transfer"
        label={t('stats.card.transfer')}
        value={percent(r.transfer_ratio)}
        extra={`${points(r.yoy.transfer_ratio_pp, locale)} · ${t('stats.card.transferSplit', {
          inp: percent(r.transfer_in_province),
          cross: percent(r.transfer_cross_province),
        })}${r.transfer_unknown ? ` · ${t('stats.unknownTransfers', { count: r.transfer_unknown })}` : ''}`}
      />
      <Card
        testId="card-bev"
        label={t('stats.card.bev')}
        value={`${units(r.bev_units, locale)} · ${money(r.bev_turnover_fen, locale)}`}
        rate={r.yoy.bev_units}
      />
      <Card
        testId="card-online"
        label={t('stats.card.online')}
        value={r.online_sessions.toLocaleString(locale)}
        extra={`${t('stats.card.onlineOf', { share: percent(r.online_share), sessions: r.sessions.toLocaleString(locale) })} · ${points(r.yoy.online_share_pp, locale)}`}
      />
      <Card testId="card-high" label={t('stats.card.highPrice')} value={percent(r.units_20wan_plus_share)} />
    </div>
  );
}

const YI = 10_000_000_000;

function Charts({ report: r }: { report: StatsReport }) {
  const { t } = useI18n();
  const save = t('stats.chart.savePng');
  const options = useMemo(() => chartOptions(r, t, save), [r, t, save]);
  return (
    <div className="stats-charts">
      <Chart testId="chart-monthly" label={t('stats.chart.monthly')} option={options.monthly} />
      <Chart testId="chart-rank" label={t('stats.chart.rank')} option={options.rank} />
      <Chart testId="chart-energy" label={t('stats.chart.energy')} option={options.energy} />
      <Chart testId="chart-bands" label={t('stats.chart.bands')} option={options.bands} />
      <Chart testId="chart-provinces" label={t('stats.chart.provinces')} option={options.provinces} height={420} />
    </div>
  );
}

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

type ChartSet = { monthly: EChartsOption; rank: EChartsOption; energy: EChartsOption; bands: EChartsOption; provinces: EChartsOption };

function chartOptions(r: StatsReport, t: T, save: string): ChartSet {
  const toolbox = (name: string): EChartsOption['toolbox'] => ({ feature: { saveAsImage: { title: save, name } } });
  const months = Object.keys(r.monthly).sort();
  // Chart axes plot numbers; the figures people read (cards, tables) are formatted exactly above.
  const monthly: EChartsOption = {
    title: { text: t('stats.chart.monthly'), textStyle: { fontSize: 14 } },
    toolbox: toolbox(`monthly-${r.period}`),
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0 },
    xAxis: { type: 'category', data: months.map((m) => m.slice(5)) },
    yAxis: [{ type: 'value', name: t('stats.chart.monthlyTurnover') }, { type: 'value', name: t('stats.chart.monthlyYoy') }],
    series: [
      { name: t('stats.chart.monthlyTurnover'), type: 'bar', data: months.map((m) => +((r.monthly[m]?.turnover_fen ?? 0) / YI).toFixed(2)) },
      {
        name: t('stats.chart.monthlyYoy'),
        type: 'line',
        yAxisIndex: 1,
        data: months.map((m) => (r.monthly_yoy[m] === null || r.monthly_yoy[m] === undefined ? null : +((r.monthly_yoy[m] as number) * 100).toFixed(2))),
      },
    ],
  };
  const top = r.top30_units.slice(0, 10).reverse();
  const rank: EChartsOption = {
    title: { text: t('stats.chart.rank'), textStyle: { fontSize: 14 } },
    toolbox: toolbox(`top10-${r.period}`),
    tooltip: {},
    grid: { top: 44, bottom: 8, left: 8, right: 24, containLabel: true },
    xAxis: { type: 'value', splitNumber: 3 },
    yAxis: { type: 'category', data: top.map((row) => row.house), axisLabel: { width: 160, overflow: 'truncate', interval: 0 } },
    series: [{ type: 'bar', data: top.map((row) => row.units), name: t('stats.top.units.col') }],
  };
  const energy: EChartsOption = {
    title: { text: t('stats.chart.energy'), textStyle: { fontSize: 14 } },
    toolbox: toolbox(`energy-${r.period}`),
    tooltip: { trigger: 'item' },
    series: [
      {
        type: 'pie',
        radius: ['35%', '65%'],
        data: Object.entries(r.energy)
          .filter(([, v]) => v.units > 0)
          .map(([k, v]) => ({ name: t(`stats.energy.${k}` as MessageKey), value: v.units })),
      },
    ],
  };
  const bands: EChartsOption = {
    title: { text: t('stats.chart.bands'), textStyle: { fontSize: 14 } },
    toolbox: toolbox(`bands-${r.period}`),
    tooltip: {},
    xAxis: { type: 'category', data: Object.keys(r.price_bands_units) },
    yAxis: { type: 'value' },
    series: [{ type: 'bar', data: Object.values(r.price_bands_units), name: t('stats.top.units.col') }],
  };
  const provinces = Object.entries(r.provinces)
    .flatMap(([name, v]) => (name && v.units !== null ? [[name, { units: v.units }] as const] : []))
    .sort((a, b) => b[1].units - a[1].units)
    .slice(0, 20)
    .reverse();
  const prov: EChartsOption = {
    title: { text: t('stats.chart.provinces'), textStyle: { fontSize: 14 } },
    toolbox: toolbox(`provinces-${r.period}`),
    tooltip: {},
    grid: { top: 44, bottom: 8, left: 8, right: 24, containLabel: true },
    xAxis: { type: 'value', splitNumber: 3 },
    yAxis: { type: 'category', data: provinces.map(([name]) => name), axisLabel: { interval: 0 } },
    series: [{ type: 'bar', data: provinces.map(([, v]) => v.units), name: t('stats.top.units.col') }],
  };
  return { monthly, rank, energy, bands, provinces: prov };
}

function TopTable({ title, rows, testId }: { title: string; rows: RankRow[]; testId: string }) {
  const { t, locale } = useI18n();
  return (
    <section className="section">
      <h2>{title}</h2>
      <div className="table-wrap">
        <table className="admin-table" data-testid={testId}>
          <thead>
            <tr>
              <th className="num">{t('stats.top.rank')}</th>
              <th>{t('stats.top.house')}</th>
              <th className="num">{t('stats.top.units.col')}</th>
              <th className="num">{t('stats.top.turnover.col')}</th>
              <th className="num">{t('stats.top.move')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const move = row.previous_rank === null ? null : row.previous_rank - row.rank;
              return (
                <tr key={row.rank}>
                  <td className="num">{row.rank}</td>
                  <td>{row.house}</td>
                  <td className="num">{row.units.toLocaleString(locale)}</td>
                  <td className="num">{money(row.turnover_fen, locale)}</td>
                  <td className={`num stats-${move === null ? 'new' : move > 0 ? 'up' : move < 0 ? 'down' : 'flat'}`}>
                    {move === null ? t('stats.top.new') : move > 0 ? `▲${move}` : move < 0 ? `▼${-move}` : '–'}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {rows.length === 0 ? <p className="muted" data-testid={`${testId}-empty`}>{t('stats.top.none')}</p> : null}
    </section>
  );
}
