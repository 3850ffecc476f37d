import { useParams } from '@tanstack/react-router';

/**
 * The API explorer (`/admin/explorer` and `/admin/explorer/$operation`). A placeholder of the
 * scaffold: this folder belongs to the explorer's own work (issue #18, helper panel-explorer).
 */
export function ExplorerPage() {
  const params = useParams({ strict: false });
  return (
    <div>
      <h1 className="wm-page__title">API explorer</h1>
      <p className="wm-page__lead">{params.operation === undefined ? 'Choose an operation.' : `Operation: ${params.operation}`}</p>
    </div>
  );
}
