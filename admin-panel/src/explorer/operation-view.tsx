import { useNavigate } from '@tanstack/react-router';
import { useMemo, useState, type FormEvent } from 'react';
import { Alert, Button, Card, copyText, TextField, useToast } from '../design';
import { accessForCode, accessForPage, workflowApiModeOf, type AccessSettings } from './access-settings';
import { CodePanel } from './code-panel';
import { searchFromValues } from './deep-link';
import { FieldEditor, type LoadedOptions } from './field-editor';
import { buildRequest, findOperation, type ExplorerField, type ExplorerOperation, type FieldValue, type FormValues } from './index';
import { OperationDetails } from './operation-details';
import { ResponseView } from './response-view';
import { AccessTokenCache, sendRequest, type SendContext, type SendOutcome } from './send-request';

/** While the access settings are unknown (still loading, or refused), calls carry no credentials. */
const UNKNOWN_ACCESS: AccessSettings = { apiToken: null, oidcEnabled: false, publicUrl: null, discoveryUrl: '', tokenEndpoint: '', clientId: 'workflowapi' };

/**
 * The page's own calls use the browser's fetch directly, not the admin API client: their answers
 * (a 401 of the Workflow API included) are shown as they are and say nothing about the session.
 */
const sendContext: SendContext = { fetch: (...args) => fetch(...args), now: () => performance.now(), tokens: new AccessTokenCache() };

/** Props of {@link OperationView}. */
export interface OperationViewProps {
  readonly operation: ExplorerOperation;
  /** Every operation (a Load calls another one). */
  readonly operations: readonly ExplorerOperation[];
  /** The form's first values (from the link). */
  readonly initialValues: FormValues;
  readonly settings: AccessSettings | undefined;
  readonly schemeCodes: readonly string[] | undefined;
}

/** One operation: its details, its form with Send, the response, and the code for the request. */
export function OperationView({ operation, operations, initialValues, settings, schemeCodes }: OperationViewProps) {
  const navigate = useNavigate();
  const access = settings ?? UNKNOWN_ACCESS;
  const [values, setValues] = useState<Record<string, FieldValue>>({ ...initialValues });
  const [token, setToken] = useState(access.apiToken ?? '');
  const [apiV1Token, setApiV1Token] = useState('');
  const [outcome, setOutcome] = useState<SendOutcome>();
  const [sending, setSending] = useState(false);
  const [loads, setLoads] = useState<Readonly<Record<string, LoadedOptions>>>({});
  const [loading, setLoading] = useState<string>();
  const origin = window.location.origin;
  const choices = { token, apiV1Token };
  const mode = workflowApiModeOf(access);

  const built = useMemo(() => buildRequest(operation, values, accessForCode(access, origin, { token, apiV1Token })), [operation, values, access, origin, token, apiV1Token]);
  const problems = new Map(built.problems.map((problem) => [problem.field, problem.message]));
  const title = `${operation.title} (${operation.api === 'workflowapi' ? 'Workflow API' : '/api/v1'}: ${operation.name})`;
  const link = `${origin}/admin/explorer/${encodeURIComponent(operation.key)}?${new URLSearchParams(searchFromValues(operation, values)).toString()}`.replace(/\?$/, '');

  const setValue = (name: string, value: FieldValue) => setValues((current) => ({ ...current, [name]: value }));

  const send = async (event: FormEvent) => {
    event.preventDefault();
    if (built.problems.length > 0) return;
    setSending(true);
    try {
      const { request } = buildRequest(operation, values, accessForPage(access, origin, choices));
      setOutcome(await sendRequest(request, sendContext));
      // The link in the address bar reopens this form as sent (without the tokens).
      void navigate({ to: '/explorer/$operation', params: { operation: operation.key }, search: searchFromValues(operation, values), replace: true });
    } finally {
      setSending(false);
    }
  };

  const load = async (field: ExplorerField) => {
    const hint = field.load;
    const target = hint === undefined ? undefined : findOperation(operations, hint.operation);
    if (hint === undefined || target === undefined) return;
    setLoading(field.name);
    try {
      const given = Object.fromEntries(hint.with.map((name) => [name, values[name]]));
      const { request, problems: loadProblems } = buildRequest(target, given, accessForPage(access, origin, choices));
      const result = loadProblems.length > 0 ? { status: 0, durationMs: 0, body: null, error: loadProblems.map((problem) => problem.message).join('; ') } : await sendRequest(request, sendContext);
      setLoads((current) => ({ ...current, [field.name]: optionsOf(result, hint.value, hint.label) }));
    } finally {
      setLoading(undefined);
    }
  };

  return (
    <div className="wm-explorer__operation">
      <OperationDetails operation={operation} />
      <div className="wm-explorer__workspace">
        <Card title="Try it" actions={<CopyLinkButton link={link} />}>
          <form className="wm-explorer__form" onSubmit={(event) => void send(event)} aria-label={`${operation.name} form`}>
            {operation.security === 'workflow-api' ? <WorkflowApiAccessField mode={mode} settings={access} token={token} onToken={setToken} /> : null}
            {operation.security === 'bearer' ? (
              <TextField label="API token (Authorization: Bearer)" hint="An /api/v1 token (waymark token create)." mono autoComplete="off" spellCheck={false} value={apiV1Token} onChange={(event) => setApiV1Token(event.target.value)} />
            ) : null}
            {operation.fields.map((field) => (
              <FieldEditor
                key={field.name}
                field={field}
                value={values[field.name]}
                onChange={(value) => setValue(field.name, value)}
                {...(field.storedSchemes && schemeCodes !== undefined ? { schemeCodes } : {})}
                {...(field.load === undefined ? {} : { onLoad: () => void load(field), loading: loading === field.name })}
                {...(loads[field.name] === undefined ? {} : { loaded: loads[field.name] })}
                {...(problems.has(field.name) ? { problem: problems.get(field.name) } : {})}
              />
            ))}
            {built.problems.length > 0 ? <Alert tone="error">{`Fix ${built.problems.length === 1 ? 'this value' : 'these values'} to send: ${built.problems.map((problem) => problem.message).join('; ')}.`}</Alert> : null}
            <div className="wm-explorer__actions">
              <Button type="submit" variant="primary" busy={sending} disabled={built.problems.length > 0}>
                Send
              </Button>
              <span className="wm-field__hint">
                <code>{`${operation.method} ${displayUrl(built.request.url)}`}</code>
              </span>
            </div>
          </form>
        </Card>
        <div className="wm-explorer__results">
          {outcome === undefined ? null : <ResponseView outcome={outcome} />}
          <CodePanel input={{ request: built.request, title }} />
        </div>
      </div>
    </div>
  );
}

/** Copies the link that opens this form with its values (tokens are never in it). */
function CopyLinkButton({ link }: { readonly link: string }) {
  const toast = useToast();
  const copy = async () => {
    try {
      await copyText(link);
      toast('success', 'Copied the link to this form.');
    } catch (error) {
      toast('error', error instanceof Error ? error.message : 'Copying failed.');
    }
  };
  return (
    <Button size="small" onClick={() => void copy()}>
      Copy link
    </Button>
  );
}

function WorkflowApiAccessField({ mode, settings, token, onToken }: { readonly mode: ReturnType<typeof workflowApiModeOf>; readonly settings: AccessSettings; readonly token: string; readonly onToken: (token: string) => void }) {
  if (mode === 'token') {
    return (
      <TextField
        label="token"
        hint="The API access token (set on the Dashboard), sent as the token field of the JSON body."
        mono
        autoComplete="off"
        spellCheck={false}
        value={token}
        onChange={(event) => onToken(event.target.value)}
      />
    );
  }
  if (mode === 'oidc') {
    return (
      <Alert>
        {'OpenID Connect is on: Send first gets an access token from '}
        <code>{settings.tokenEndpoint}</code>
        {' (client credentials, client_id workflowapi, client_secret = the API access token), then sends it as Authorization: Bearer. The code does the same.'}
      </Alert>
    );
  }
  return <Alert>The Workflow API is open (no API access token is set): calls carry no credentials.</Alert>;
}

function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

/** The options a Load found: the answer's items (a Workflow API envelope's data, or the body), by their value and label properties. */
function optionsOf(outcome: SendOutcome, valueName: string, labelName: string): LoadedOptions {
  if (outcome.error !== undefined) return { options: [], error: `Load failed: ${outcome.error}` };
  const body = outcome.body as { data?: unknown } | unknown[] | null;
  const items = Array.isArray(body) ? body : Array.isArray((body as { data?: unknown } | null)?.data) ? ((body as { data: unknown[] }).data) : [];
  const options = items
    .filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null)
    .filter((item) => item[valueName] !== undefined && item[valueName] !== null)
    .map((item) => ({ value: String(item[valueName]), label: String(item[labelName] ?? item[valueName]) }));
  return { options };
}
