import { Badge, Table } from '../design';
import type { ExplorerField, ExplorerOperation } from './index';

/** The operation's title, name, URL forms, description and parameter table. */
export function OperationDetails({ operation }: { readonly operation: ExplorerOperation }) {
  return (
    <div className="wm-explorer__details">
      <div>
        <h2 className="wm-explorer__title">{operation.title}</h2>
        <p className="wm-explorer__subtitle">
          <Badge tone="accent">{operation.method}</Badge> <code>{operation.api === 'workflowapi' ? operation.name : operation.path}</code>{' '}
          <span className="wm-explorer__group-api">{operation.api === 'workflowapi' ? `Workflow API · ${operation.group}` : `/api/v1 · ${operation.group}`}</span>
        </p>
      </div>
      {operation.description === '' ? null : <p className="wm-explorer__description">{firstParagraph(operation.description)}</p>}
      <div>
        <h3 className="wm-explorer__heading">{operation.urlForms.length > 1 ? 'URL forms' : 'URL'}</h3>
        <ul className="wm-explorer__url-forms">
          {operation.urlForms.map((form) => (
            <li key={form}>
              <code>{form}</code>
            </li>
          ))}
        </ul>
      </div>
      <div>
        <h3 className="wm-explorer__heading">Parameters</h3>
        <Table<ExplorerField>
          caption={`Parameters of ${operation.name}`}
          rows={operation.fields}
          rowKey={(field) => field.name}
          empty="No parameters."
          columns={[
            { header: 'Name', cell: (field) => <code>{field.name}</code> },
            { header: 'In', cell: (field) => field.location },
            { header: 'Type', cell: (field) => field.typeLabel },
            { header: 'Required', cell: (field) => (field.required ? 'yes' : 'no') },
            { header: 'Description', cell: (field) => field.description },
          ]}
        />
      </div>
    </div>
  );
}

/** The description up to its URL-forms paragraph, which the page lists on its own. */
function firstParagraph(description: string): string {
  return description.split(/\n\nURL forms: /)[0] ?? description;
}
