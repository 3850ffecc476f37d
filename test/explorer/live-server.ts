/**
 * A real Waymark server for the explorer's tests: `startServer` on a free port of 127.0.0.1 with
 * SQLite in a temporary folder, the API access token (and OpenID Connect when asked) set as at
 * start-up, and the explorer's fixture scheme imported through the admin API.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/index.js';
import { startServer } from '../../src/server/index.js';
import { createLogger } from '../../src/logging/index.js';

/** The API access token of the test servers (also the OpenID Connect client secret). */
export const API_TOKEN = 'explorer-test-token-3b9f2c71a4e8d605';
/** The admin password of the test servers. */
export const ADMIN_PASSWORD = 'explorer test admin password 11';

/** A listening server. */
export interface LiveServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** A request with the admin's Basic credentials. */
  admin(path: string, init?: RequestInit): Promise<Response>;
  /** Calls a Workflow API operation with the access the server is set to, and returns the envelope. */
  workflowApi(operation: string, body: Record<string, unknown>): Promise<{ success: boolean; data: any; error: string | null }>;
}

/** The explorer's fixture scheme (Waymark JSON). */
export function documentApprovalScheme(): string {
  return readFileSync(new URL('../fixtures/explorer/DocumentApproval.json', import.meta.url), 'utf8');
}

/** Starts a server, closed with its data folder when the test ends. */
export async function startLiveServer(t: TestContext, access: { oidc: boolean }): Promise<LiveServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'waymark-explorer-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', WAYMARK_DATA_DIR: dataDir }, {});
  const server = await startServer(config, {
    handleSignals: false,
    logger: createLogger({ level: 'silent' }),
    env: { WAYMARK_API_TOKEN: API_TOKEN, WAYMARK_API_OIDC: String(access.oidc), WAYMARK_ADMIN_PASSWORD: ADMIN_PASSWORD },
  });
  t.after(() => server.close());
  const url = server.url.replace('0.0.0.0', '127.0.0.1');
  const basic = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${url}${path}`, { ...init, headers: { authorization: basic, ...(init.headers as Record<string, string> | undefined) } });

  let bearer: string | undefined;
  const workflowApi: LiveServer['workflowApi'] = async (operation, body) => {
    if (access.oidc && bearer === undefined) {
      const answer = await fetch(`${url}/connect/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'workflowapi', client_secret: API_TOKEN }),
      });
      bearer = ((await answer.json()) as { access_token: string }).access_token;
    }
    const response = await fetch(`${url}/workflowapi/${operation}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }) },
      body: JSON.stringify(access.oidc ? body : { ...body, token: API_TOKEN }),
    });
    return (await response.json()) as { success: boolean; data: any; error: string | null };
  };

  const imported = await admin('/admin/api/schemes', { method: 'POST', headers: { 'content-type': 'application/json' }, body: documentApprovalScheme() });
  assert.equal(imported.status, 201, await imported.clone().text());
  return { url, admin, workflowApi };
}
