import { Link } from '@tanstack/react-router';
import { useId, useState } from 'react';
import { groupOperations, type ExplorerDocuments, type ExplorerOperation } from './index';

/** Props of {@link OperationList}. */
export interface OperationListProps {
  readonly operations: readonly ExplorerOperation[];
  readonly documents: ExplorerDocuments;
  readonly selectedKey?: string;
}

const API_NAMES = { workflowapi: 'Workflow API', 'api-v1': '/api/v1' } as const;

/** Every operation, grouped as the documents group them, with a search box; each links to its form. */
export function OperationList({ operations, documents, selectedKey }: OperationListProps) {
  const [search, setSearch] = useState('');
  const searchId = useId();
  const groups = groupOperations(operations, documents, search);
  const count = groups.reduce((sum, group) => sum + group.operations.length, 0);
  return (
    <nav className="wm-explorer__list" aria-label="Operations">
      <label htmlFor={searchId} className="wm-field__label">
        Search operations
      </label>
      <input id={searchId} type="search" className="wm-field__input" placeholder="e.g. command" value={search} onChange={(event) => setSearch(event.target.value)} />
      <p className="wm-visually-hidden" role="status">
        {`${count} operations`}
      </p>
      {groups.length === 0 ? <p className="wm-field__hint">No operation matches.</p> : null}
      {groups.map((group) => (
        <section key={`${group.api}:${group.name}`} className="wm-explorer__group" aria-label={`${API_NAMES[group.api]}: ${group.name}`}>
          <h2 className="wm-explorer__group-title">
            <span className="wm-explorer__group-api">{API_NAMES[group.api]}</span> {group.name}
          </h2>
          <ul>
            {group.operations.map((operation) => (
              <li key={operation.key}>
                <Link
                  to="/explorer/$operation"
                  params={{ operation: operation.key }}
                  className={operation.key === selectedKey ? 'wm-explorer__item wm-explorer__item--active' : 'wm-explorer__item'}
                  aria-current={operation.key === selectedKey ? 'page' : undefined}
                >
                  <span className="wm-explorer__item-name">{operation.api === 'workflowapi' ? operation.name : `${operation.method} ${operation.path.replace(/^\/api\/v1/, '')}`}</span>
                  <span className="wm-explorer__item-title">{operation.title}</span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </nav>
  );
}
