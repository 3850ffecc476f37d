import { Badge, Card, Table } from '../design';
import type { ClusterNode } from '../api';
import { formatAgo } from './format';
import { useDashboard } from './use-dashboard-queries';

/** The nodes sharing the database, with their last heartbeat; shown only when clustered. */
export function NodesCard() {
  const dashboard = useDashboard();
  const overview = dashboard.data;
  if (overview === undefined || !overview.node.clustered) return null;
  const now = Date.parse(overview.at);
  return (
    <Card title="Cluster nodes" flush>
      <Table<ClusterNode>
        caption="Nodes of the cluster"
        rows={overview.nodes}
        rowKey={(node) => node.id}
        empty="No node has registered yet."
        columns={[
          { header: 'Node', cell: (node) => <code title={node.id}>{node.id.slice(0, 8)}</code> },
          { header: 'Host', cell: (node) => `${node.host} (pid ${node.pid})` },
          {
            header: 'State',
            cell: (node) => <Badge tone={node.runtimeState === 'running' ? 'success' : node.runtimeState === 'lost' ? 'danger' : 'neutral'}>{node.runtimeState}</Badge>,
          },
          { header: 'Last heartbeat', cell: (node) => formatAgo(node.heartbeatAt, now) },
          { header: '', cell: (node) => (node.self ? <Badge tone="accent">this node</Badge> : null) },
        ]}
      />
    </Card>
  );
}
