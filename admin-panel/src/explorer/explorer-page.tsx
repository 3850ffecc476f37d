import { useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearch } from '@tanstack/react-router';
import { useMemo } from 'react';
import { describeError } from '../api';
import { Alert } from '../design';
import { valuesFromSearch } from './deep-link';
import { accessSettingsQuery, explorerDocumentsQuery, storedSchemesQuery } from './explorer-queries';
import { catalogFromDocuments, findOperation } from './index';
import { OperationList } from './operation-list';
import { OperationView } from './operation-view';
import './explorer.css';

/**
 * The API explorer (`/admin/explorer` and `/admin/explorer/$operation?field=value…`): every
 * Workflow API operation and `/api/v1` endpoint from the server's OpenAPI documents, a form for
 * the chosen one, Send, the response, and the code for the request.
 */
export function ExplorerPage() {
  const { operation: key } = useParams({ strict: false }) as { operation?: string };
  const search = useSearch({ strict: false }) as Readonly<Record<string, string>>;
  const documents = useQuery(explorerDocumentsQuery);
  const settings = useQuery(accessSettingsQuery);
  const schemes = useQuery(storedSchemesQuery);
  const operations = useMemo(() => catalogFromDocuments(documents.data ?? {}), [documents.data]);
  const selected = key === undefined ? undefined : findOperation(operations, key);
  const schemeCodes = useMemo(() => schemes.data?.map((scheme) => scheme.code), [schemes.data]);

  let detail;
  if (documents.isPending || (selected !== undefined && settings.isPending)) {
    detail = <p role="status">Loading the API documents…</p>;
  } else if (documents.isError) {
    detail = <Alert tone="error">{`The API documents could not be read: ${describeError(documents.error)}`}</Alert>;
  } else if (key !== undefined && selected === undefined) {
    detail = (
      <Alert tone="error">
        {`There is no operation ${key}. `}
        <Link to="/explorer">Show every operation</Link>
      </Alert>
    );
  } else if (selected === undefined) {
    detail = (
      <div className="wm-explorer__intro">
        <h2 className="wm-explorer__title">Choose an operation</h2>
        <p>
          Every operation of the Workflow API, grouped as the vendor groups them, and every <code>/api/v1</code> endpoint. Pick one to see its URL forms and
          parameters, fill in its form, send it, and copy the code for it in JavaScript, jQuery, C# or curl.
        </p>
      </div>
    );
  } else {
    detail = (
      <>
        {settings.isError ? <Alert tone="error">{`The access settings could not be read (${describeError(settings.error)}): calls are sent without credentials.`}</Alert> : null}
        <OperationView
          key={selected.key}
          operation={selected}
          operations={operations}
          initialValues={valuesFromSearch(selected, search)}
          settings={settings.data}
          schemeCodes={schemeCodes}
        />
      </>
    );
  }

  return (
    <div className="wm-explorer">
      <div>
        <h1 className="wm-page__title">API explorer</h1>
        <p className="wm-page__lead">Try every API operation against this server, and copy the code that calls it.</p>
      </div>
      <div className="wm-explorer__layout">
        {documents.data === undefined ? null : <OperationList operations={operations} documents={documents.data} {...(selected === undefined ? {} : { selectedKey: selected.key })} />}
        <div className="wm-explorer__detail">{detail}</div>
      </div>
    </div>
  );
}
