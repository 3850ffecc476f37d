/**
 * The built-in `Webhook` action (the `/api/v1` dialect's webhooks). Its parameter is
 * `{"Url": "…", "Secret": "…"}` or the name of a configured webhook (`{"Name": "…"}` or the bare
 * name). The action only queues a message in the step's outbox; the outbox dispatcher POSTs
 * `{timestamp, wfVariables, wfInstanceId}` after commit, signed with `ontask-signature` =
 * hex HMAC-SHA256 of the exact body bytes keyed with the secret.
 */
import { createHmac } from 'node:crypto';
import { WaymarkError } from '../errors/index.js';
import type { ExternalCallContext, JsonValue } from '../engine/types.js';
import { isSystemParameter } from '../engine/parameter-values.js';
import type { NewOutboxMessage } from '../store/store.js';
import { HostAllowlist, hostNotAllowed, sendOutbound, type HostResolver } from './outbound-http.js';

/** The name of the built-in action. */
export const WEBHOOK_ACTION = 'Webhook';
/** The signature header. */
export const WEBHOOK_SIGNATURE_HEADER = 'ontask-signature';

/** A webhook configured by name (setting `webhooks`); its host is allowed implicitly. */
export interface ConfiguredWebhook {
  readonly name: string;
  readonly url: string;
  readonly secret?: string;
}

/** What a queued webhook message carries: the exact body and where to send it. */
export interface WebhookPayload {
  readonly url: string;
  readonly secret: string | null;
  /** The serialized body: signed and sent byte for byte as stored. */
  readonly body: string;
  /** Set when the URL came from configuration (its host needs no allowlist entry). */
  readonly configured: boolean;
}

/** Hex HMAC-SHA256 of `body` keyed with `secret`. */
export function signWebhookBody(body: string, secret: string): string {
  return createHmac('sha256', secret).update(Buffer.from(body, 'utf8')).digest('hex');
}

function fail(reason: string): WaymarkError<'WM_ACTION_FAILED'> {
  return new WaymarkError('WM_ACTION_FAILED', `Webhook: ${reason}`, { action: WEBHOOK_ACTION });
}

/** Builds the outbox message of one `Webhook` action run (throws WM_ACTION_FAILED on bad input). */
export function webhookMessage(
  parameter: string | null,
  context: ExternalCallContext,
  options: { readonly webhooks: readonly ConfiguredWebhook[]; readonly allowlist: HostAllowlist; readonly now: Date },
): NewOutboxMessage {
  const text = (parameter ?? '').trim();
  let target: { url: string; secret: string | null; configured: boolean };
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    // A bare configured name.
  }
  const record = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  const name = record ? (typeof record.Name === 'string' ? record.Name : null) : typeof parsed === 'string' ? parsed : text;
  if (record && typeof record.Url === 'string') {
    let url: URL;
    try {
      url = new URL(record.Url);
    } catch {
      throw fail(`'${record.Url}' is not a valid URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fail(`only http and https URLs are allowed, not '${url.protocol}'`);
    if (!options.allowlist.allows(url)) throw hostNotAllowed(url);
    target = { url: url.href, secret: typeof record.Secret === 'string' && record.Secret !== '' ? record.Secret : null, configured: false };
  } else if (name) {
    const configured = options.webhooks.find((w) => w.name === name);
    if (!configured) {
      const known = options.webhooks.map((w) => w.name);
      throw fail(`no webhook named '${name}' is configured${known.length > 0 ? ` (configured: ${known.join(', ')})` : ' (setting webhooks is empty)'}`);
    }
    target = { url: configured.url, secret: configured.secret ?? null, configured: true };
  } else {
    throw fail('its parameter needs {"Url": …, "Secret": …} or the name of a configured webhook');
  }
  const body = JSON.stringify({
    timestamp: options.now.toISOString(),
    // The process's own variables; the engine's System parameters (CurrentActivity, …) are not variables.
    wfVariables: Object.fromEntries(Object.entries(context.parameters).filter(([name]) => !isSystemParameter(name))),
    wfInstanceId: context.instance.id,
  });
  const payload: WebhookPayload = { ...target, body };
  return { processId: context.instance.id, kind: 'webhook', payload: payload as unknown as JsonValue };
}

/** POSTs a queued webhook; throws (so the dispatcher retries) unless it is answered 2xx. */
export async function deliverWebhook(payload: WebhookPayload, allowlist: HostAllowlist, timeoutMs?: number, resolveHost?: HostResolver): Promise<void> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (payload.secret) headers[WEBHOOK_SIGNATURE_HEADER] = signWebhookBody(payload.body, payload.secret);
  const url = new URL(payload.url);
  const response = await sendOutbound({
    url: payload.url,
    method: 'POST',
    headers,
    body: payload.body,
    allowlist: payload.configured ? allowlist.with(HostAllowlist.configured(url)) : allowlist,
    purpose: `Webhook ${url.origin}`,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(resolveHost === undefined ? {} : { resolveHost }),
  });
  if (response.status < 200 || response.status >= 300) {
    throw new WaymarkError('WM_ACTION_FAILED', `Webhook ${url.origin} answered ${response.status}`, { url: payload.url, status: response.status });
  }
}
