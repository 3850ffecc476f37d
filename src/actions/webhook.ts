/**
 * The built-in `Webhook` action (the `/api/v1` dialect's webhooks). Its parameter is
 * `{"Url": "…", "Secret": "…"}` or the name of a configured webhook (`{"Name": "…"}` or the bare
 * name), parsed when the scheme was compiled. The action only adds a message to its step's
 * result, stored with the step; the outgoing message dispatcher POSTs `{timestamp, wfVariables,
 * wfInstanceId}` after commit, signed with `ontask-signature` = hex HMAC-SHA256 of the exact body
 * bytes keyed with the secret.
 */
import { createHmac } from 'node:crypto';
import { WaymarkError } from '../errors/index.js';
import type { ExternalCallContext, JsonValue, StepMessage } from '../engine/types.js';
import { isSystemParameter } from '../engine/parameter-values.js';
import type { NewOutboxMessage } from '../store/store.js';
import type { WebhookArguments } from '../scheme/index.js';
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

/**
 * The message of one `Webhook` action run, to `target` (a URL, or a configured webhook's name).
 * Throws WM_ACTION_FAILED for a name that is not configured and a URL whose host the outbound
 * allowlist does not allow.
 */
export function webhookMessage(
  target: WebhookArguments['target'],
  context: ExternalCallContext,
  options: { readonly webhooks: readonly ConfiguredWebhook[]; readonly allowlist: HostAllowlist; readonly now: Date },
): StepMessage {
  let resolved: { url: string; secret: string | null; configured: boolean };
  if ('url' in target) {
    const url = new URL(target.url);
    if (!options.allowlist.allows(url)) throw hostNotAllowed(url);
    resolved = { url: target.url, secret: target.secret, configured: false };
  } else {
    const configured = options.webhooks.find((w) => w.name === target.name);
    if (!configured) {
      const known = options.webhooks.map((w) => w.name);
      throw fail(`no webhook named '${target.name}' is configured${known.length > 0 ? ` (configured: ${known.join(', ')})` : ' (setting webhooks is empty)'}`);
    }
    resolved = { url: configured.url, secret: configured.secret ?? null, configured: true };
  }
  const body = JSON.stringify({
    timestamp: options.now.toISOString(),
    // The process's own variables; the engine's System parameters (CurrentActivity, …) are not variables.
    wfVariables: Object.fromEntries(Object.entries(context.parameters).filter(([name]) => !isSystemParameter(name))),
    wfInstanceId: context.instance.id,
  });
  const payload: WebhookPayload = { ...resolved, body };
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
