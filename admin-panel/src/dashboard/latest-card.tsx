import { Link } from '@tanstack/react-router';
import { describeError, type InstanceSummary, type SchemeSummary } from '../api';
import { Alert, Badge, Card, Table } from '../design';
import { formatAgo, formatCount, formatDateTime } from './format';
import { useLatestInstances, useSchemes } from './use-dashboard-queries';

const STATUS_TONES: Record<InstanceSummary['status'], 'success' | 'danger' | 'warning' | 'accent' | 'neutral'> = {
  Initialized: 'neutral',
  Running: 'accent',
  Idled: 'neutral',
  Finalized: 'success',
  Terminated: 'warning',
  Error: 'danger',
};

/** The 20 newest instances; each opens in the API explorer's getinstanceinfo. */
export function LatestInstancesCard() {
  const latest = useLatestInstances();
  const now = Date.now();
  return (
    <Card title="Latest instances" flush actions={latest.data === undefined ? null : <span className="wm-muted">{formatCount(latest.data.total)} in all</span>}>
      {latest.isError ? <Alert tone="error">{describeError(latest.error)}</Alert> : null}
      {latest.data === undefined ? null : (
        <Table<InstanceSummary>
          caption="The newest process instances"
          rows={latest.data.items}
          rowKey={(instance) => instance.id}
          empty={
            <>
              No process instance yet. Create one with the Workflow API&apos;s <code>createinstance</code> (try it in the{' '}
              <Link to="/explorer/$operation" params={{ operation: 'createinstance' }}>
                API explorer
              </Link>
              ).
            </>
          }
          columns={[
            {
              header: 'Process id',
              cell: (instance) => (
                <Link to="/explorer/$operation" params={{ operation: 'getinstanceinfo' }} search={{ processId: instance.id }} className="wm-mono-link">
                  {instance.id}
                </Link>
              ),
            },
            { header: 'Scheme', cell: (instance) => `${instance.schemeCode} v${instance.schemeVersion}` },
            { header: 'Status', cell: (instance) => <Badge tone={STATUS_TONES[instance.status]}>{instance.status}</Badge> },
            { header: 'Activity', cell: (instance) => instance.activityName },
            { header: 'Created', cell: (instance) => <time dateTime={instance.createdAt} title={formatDateTime(instance.createdAt)}>{formatAgo(instance.createdAt, now)}</time> },
          ]}
        />
      )}
    </Card>
  );
}

/** The schemes (latest versions); each links to creating an instance of it in the explorer. */
export function SchemesCard() {
  const schemes = useSchemes();
  return (
    <Card title="Schemes" flush>
      {schemes.isError ? <Alert tone="error">{describeError(schemes.error)}</Alert> : null}
      {schemes.data === undefined ? null : (
        <Table<SchemeSummary>
          caption="The stored schemes"
          rows={schemes.data}
          rowKey={(scheme) => scheme.code}
          empty={
            <>
              No scheme yet. Import one with <code>npx waymark scheme import &lt;file&gt;</code> or <code>POST /admin/api/schemes</code>.
            </>
          }
          columns={[
            { header: 'Code', cell: (scheme) => <strong>{scheme.code}</strong> },
            { header: 'Version', cell: (scheme) => scheme.version, numeric: true },
            { header: 'Instances', cell: (scheme) => formatCount(scheme.instanceCount), numeric: true },
            {
              header: 'Start',
              cell: (scheme) => (
                <Link to="/explorer/$operation" params={{ operation: 'createinstance' }} search={{ schemeCode: scheme.code }} aria-label={`Create instance of ${scheme.code}`}>
                  Create instance
                </Link>
              ),
            },
          ]}
        />
      )}
    </Card>
  );
}
