/**
 * The server's access settings (`GET /admin/api/access`) → how the explorer's calls and code
 * carry access: the `token` field in token mode, a client credentials grant in OpenID Connect
 * mode, nothing while the Workflow API is open.
 */
import type { AccessSettings } from '../api/admin.js';
import type { ExplorerAccess, WorkflowApiAccess } from './request-builder.js';

// One declaration of the answer of `GET /admin/api/access`, the Dashboard's.
export type { AccessSettings } from '../api/admin.js';

/** The access mode the settings put the Workflow API in. */
export function workflowApiModeOf(settings: AccessSettings): WorkflowApiAccess['mode'] {
  if (settings.apiToken === null || settings.apiToken === '') return 'open';
  return settings.oidcEnabled ? 'oidc' : 'token';
}

/** Choices the page's form adds to the settings. */
export interface AccessChoices {
  /** The token field's value in token mode (pre-filled with the API token; the user may change it). */
  readonly token: string;
  /** The `/api/v1` API token. */
  readonly apiV1Token: string;
}

/**
 * Access for the code the explorer writes: calls go to the public URL, else to the page's
 * origin, so the code runs as copied wherever it is run.
 */
export function accessForCode(settings: AccessSettings, pageOrigin: string, choices: AccessChoices): ExplorerAccess {
  const serverUrl = (settings.publicUrl ?? pageOrigin).replace(/\/+$/, '');
  return { serverUrl, workflowApi: protectionOf(settings, choices, (url) => url), apiV1Token: choices.apiV1Token };
}

/**
 * Access for the page's own Send: calls go to the page's origin (the server that served it),
 * and so does the token request, whatever host the public URL names.
 */
export function accessForPage(settings: AccessSettings, pageOrigin: string, choices: AccessChoices): ExplorerAccess {
  const onPageOrigin = (url: string) => {
    const parsed = new URL(url, pageOrigin);
    return `${pageOrigin.replace(/\/+$/, '')}${parsed.pathname}${parsed.search}`;
  };
  return { serverUrl: pageOrigin.replace(/\/+$/, ''), workflowApi: protectionOf(settings, choices, onPageOrigin), apiV1Token: choices.apiV1Token };
}

function protectionOf(settings: AccessSettings, choices: AccessChoices, place: (url: string) => string): WorkflowApiAccess {
  switch (workflowApiModeOf(settings)) {
    case 'open':
      return { mode: 'open' };
    case 'token':
      return { mode: 'token', token: choices.token };
    case 'oidc':
      return {
        mode: 'oidc',
        discoveryUrl: place(settings.discoveryUrl),
        tokenEndpoint: place(settings.tokenEndpoint),
        clientId: settings.clientId,
        clientSecret: settings.apiToken ?? '',
      };
  }
}
