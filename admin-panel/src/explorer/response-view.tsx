import { Alert, Badge, CodeBlock } from '../design';
import type { SendOutcome } from './send-request';

/** What came back from a Send: status, time taken, errors as errors, the body pretty-printed. */
export function ResponseView({ outcome }: { readonly outcome: SendOutcome }) {
  const failed = outcome.error !== undefined;
  const body = typeof outcome.body === 'string' ? outcome.body : JSON.stringify(outcome.body, null, 2);
  return (
    <section className="wm-explorer__response" aria-label="Response">
      <h3 className="wm-explorer__heading">
        Response <Badge tone={failed ? 'danger' : 'success'}>{outcome.status === 0 ? 'no answer' : `HTTP ${outcome.status}`}</Badge>{' '}
        <span className="wm-explorer__timing">{`${outcome.durationMs} ms`}</span>
      </h3>
      {failed ? <Alert tone="error">{outcome.error}</Alert> : null}
      {outcome.body === null ? null : <CodeBlock code={body} language={typeof outcome.body === 'string' ? 'text' : 'json'} label="response" maxHeight={420} />}
    </section>
  );
}
