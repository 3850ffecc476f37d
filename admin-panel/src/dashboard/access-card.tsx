import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { describeError, type AccessSettings } from '../api';
import { Alert, Badge, Button, Card, CopyButton, Switch, TextField, useToast } from '../design';
import { admin, queryKeys, useAccessSettings } from './use-dashboard-queries';

/**
 * Access to the Workflow API, as the vendor's Dashboard sets it: the API access token (set,
 * generate, copy, clear), "Use OpenID Connect for token access", and where an OpenID Connect
 * client gets its token. Each change applies at once on every node.
 */
export function AccessCard() {
  const access = useAccessSettings();
  return (
    <Card title="Workflow API access" actions={access.data === undefined ? null : <ModeBadge settings={access.data} />}>
      {access.isPending ? <p>Loading the access settings…</p> : null}
      {access.isError ? <Alert tone="error">{describeError(access.error)}</Alert> : null}
      {access.data === undefined ? null : <AccessForm settings={access.data} />}
    </Card>
  );
}

function ModeBadge({ settings }: { readonly settings: AccessSettings }) {
  if (settings.apiToken === null) return <Badge tone="warning">Open: no token</Badge>;
  if (settings.oidcEnabled) return <Badge tone="success">OpenID Connect</Badge>;
  return <Badge tone="success">Token</Badge>;
}

function AccessForm({ settings }: { readonly settings: AccessSettings }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [draft, setDraft] = useState('');
  const [revealed, setRevealed] = useState(false);
  const [confirmingClear, setConfirmingClear] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const modeHelpId = useId();

  const useChange = <T,>(run: () => Promise<T>, success: (result: T) => string) =>
    useMutation({
      mutationFn: run,
      onSuccess: async (result) => {
        setError(null);
        toast('success', success(result));
        await queryClient.invalidateQueries({ queryKey: queryKeys.access });
      },
      // Shown in the card, beside the control that failed (a toast too would say it twice).
      onError: (caught) => setError(describeError(caught)),
    });

  const setToken = useChange(
    () => admin.setApiToken(draft.trim()),
    () => 'The API access token is set. Clients must now send it.',
  );
  const generate = useChange(admin.generateApiToken, () => 'A new API access token was generated. Copy it into your clients.');
  const clear = useChange(admin.clearApiToken, () => 'The API access token is cleared: the Workflow API is open.');
  const oidc = useChange(
    () => admin.setOidcEnabled(!settings.oidcEnabled),
    () => (settings.oidcEnabled ? 'OpenID Connect token access is off: clients send the token field.' : 'OpenID Connect token access is on: clients send a bearer token.'),
  );
  const busy = setToken.isPending || generate.isPending || clear.isPending || oidc.isPending;

  const onSetToken = (event: FormEvent) => {
    event.preventDefault();
    if (draft.trim() === '') {
      setError('Type a token to set, or generate one.');
      return;
    }
    setToken.mutate(undefined, { onSuccess: () => setDraft('') });
  };

  return (
    <div className="wm-access">
      <form className="wm-access__token" onSubmit={onSetToken} aria-describedby={modeHelpId}>
        <div className="wm-access__current">
          <span className="wm-field__label" id={`${modeHelpId}-current`}>
            API access token
          </span>
          {settings.apiToken === null ? (
            <span className="wm-access__none">Not set</span>
          ) : (
            <span className="wm-access__value">
              <code aria-labelledby={`${modeHelpId}-current`}>{revealed ? settings.apiToken : maskToken(settings.apiToken)}</code>
              <Button size="small" variant="ghost" onClick={() => setRevealed(!revealed)} aria-pressed={revealed}>
                {revealed ? 'Hide' : 'Show'}
              </Button>
              <CopyButton text={settings.apiToken} what="API access token" />
            </span>
          )}
        </div>
        <div className="wm-access__row">
          <TextField
            className="wm-access__input"
            label={settings.apiToken === null ? 'New token' : 'Replace with'}
            mono
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            hint="16 to 512 visible characters, no spaces. Or let the server generate one (48 random bytes)."
          />
          <div className="wm-access__buttons">
            <Button type="submit" variant="primary" busy={setToken.isPending} disabled={busy}>
              Set token
            </Button>
            <Button busy={generate.isPending} disabled={busy} onClick={() => generate.mutate()}>
              Generate
            </Button>
            {settings.apiToken === null ? null : (
              <Button variant="danger" disabled={busy} onClick={() => setConfirmingClear(true)}>
                Clear…
              </Button>
            )}
          </div>
        </div>
        {confirmingClear ? (
          <div className="wm-access__confirm" role="group" aria-label="Confirm clearing the token">
            <span>Clear the token? The Workflow API becomes open to anyone who can reach this server.</span>
            <Button
              variant="danger"
              size="small"
              busy={clear.isPending}
              onClick={() => clear.mutate(undefined, { onSettled: () => setConfirmingClear(false) })}
            >
              Clear token
            </Button>
            <Button size="small" onClick={() => setConfirmingClear(false)}>
              Cancel
            </Button>
          </div>
        ) : null}
      </form>

      <Switch
        label="Use OpenID Connect for token access"
        checked={settings.oidcEnabled}
        disabled={busy}
        onChange={() => oidc.mutate()}
        description="Needs an API access token: it becomes the client secret of the identity server's client workflowapi."
      />

      {error === null ? null : <Alert tone="error">{error}</Alert>}

      <div id={modeHelpId} className="wm-access__help">
        <ModeHelp settings={settings} />
      </div>

      <dl className="wm-access__endpoints">
        <div>
          <dt>Discovery document</dt>
          <dd>
            <code>{settings.discoveryUrl}</code>
            <CopyButton text={settings.discoveryUrl} what="discovery URL" />
          </dd>
        </div>
        <div>
          <dt>Token endpoint</dt>
          <dd>
            <code>{settings.tokenEndpoint}</code>
            <CopyButton text={settings.tokenEndpoint} what="token endpoint" />
          </dd>
        </div>
        <div>
          <dt>Client id</dt>
          <dd>
            <code>{settings.clientId}</code>
          </dd>
        </div>
      </dl>
    </div>
  );
}

/** What a client must send in the mode in effect. */
function ModeHelp({ settings }: { readonly settings: AccessSettings }) {
  if (settings.apiToken === null) {
    return (
      <p>
        <strong>Open.</strong> The Workflow API accepts every call from anyone who can reach this server. Set a token to restrict it.
      </p>
    );
  }
  if (!settings.oidcEnabled) {
    return (
      <p>
        <strong>Token mode.</strong> Every Workflow API call must carry the field <code>token</code> with the API access token: in the
        query string (<code>?token=…</code>), a form field, or the JSON body.
      </p>
    );
  }
  return (
    <p>
      <strong>OpenID Connect mode.</strong> A client first obtains an access token: <code>POST</code> to the token endpoint with{' '}
      <code>grant_type=client_credentials</code>, <code>client_id=workflowapi</code> and <code>client_secret=</code>
      <em>the API access token</em> (form-encoded). It then sends <code>Authorization: Bearer &lt;access_token&gt;</code> with every call; the{' '}
      <code>token</code> field is no longer accepted. Access tokens last one hour.
    </p>
  );
}

/** The first 4 characters and the length: enough to tell tokens apart, not to use one. */
function maskToken(token: string): string {
  return `${token.slice(0, 4)}${'•'.repeat(12)} (${token.length} characters)`;
}
