import { describeError, INSTANCE_STATUSES, type BoundedCount, type DashboardOverview } from '../api';
import { Alert, Card } from '../design';
import { formatBounded, formatCount } from './format';
import { RequestChart } from './request-chart';
import { RATE_MINUTES, useDashboard, useRequestRate } from './use-dashboard-queries';

/** The server at a glance: counts (refreshed every few seconds) and the request rate. */
export function CountsCard() {
  const dashboard = useDashboard();
  const rate = useRequestRate();
  return (
    <Card title="Activity" actions={dashboard.data === undefined ? null : <span className="wm-muted">updated {new Date(dashboard.data.at).toLocaleTimeString('en')}</span>}>
      {dashboard.isError ? <Alert tone="error">{describeError(dashboard.error)}</Alert> : null}
      {dashboard.data === undefined ? (dashboard.isPending ? <p>Loading the figures…</p> : null) : <Counts overview={dashboard.data} />}
      {rate.data === undefined ? null : <RequestChart rate={rate.data} minutes={RATE_MINUTES} />}
    </Card>
  );
}

function Counts({ overview }: { readonly overview: DashboardOverview }) {
  const bounded = (value: BoundedCount) => formatBounded(value);
  return (
    <div className="wm-counts">
      <dl className="wm-counts__group" aria-label="Totals">
        <Figure label="Schemes" value={formatCount(overview.schemes)} />
        <Figure label="Instances" value={formatCount(overview.instances.total)} />
        <Figure label="Pending timers" value={bounded(overview.pendingTimers)} />
        <Figure label="Open user tasks" value={bounded(overview.openUserTasks)} />
        <Figure label="Errors, last 24 h" value={bounded(overview.errorsLast24h)} tone={overview.errorsLast24h.count > 0 ? 'danger' : undefined} />
      </dl>
      <dl className="wm-counts__group wm-counts__group--statuses" aria-label="Instances by status">
        {INSTANCE_STATUSES.map((status) => (
          <Figure
            key={status}
            label={status}
            value={formatCount(overview.instances[status])}
            tone={status === 'Error' && overview.instances.Error > 0 ? 'danger' : undefined}
            small
          />
        ))}
      </dl>
    </div>
  );
}

function Figure({ label, value, tone, small = false }: { readonly label: string; readonly value: string; readonly tone?: 'danger' | undefined; readonly small?: boolean }) {
  return (
    <div className={['wm-figure', small ? 'wm-figure--small' : '', tone === 'danger' ? 'wm-figure--danger' : ''].filter(Boolean).join(' ')}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
