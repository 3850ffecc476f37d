/**
 * Builds what the workflow service and the runtime share: the settings source, the callback
 * client, the step outbox, the ExternalCalls router and the outbox delivery. The server passes
 * `external` and `outbox` to the WorkflowService, then `deliver` to the WorkflowRuntime.
 */
import { resolve } from 'node:path';
import { deliverWebhook, type WebhookPayload } from '../actions/webhook.js';
import { CallbackClient } from '../callbacks/index.js';
import { WaymarkError } from '../errors/index.js';
import type { Clock } from '../services/clock.js';
import type { Store } from '../store/store.js';
import type { DeliverMessage } from './outbox-dispatcher.js';
import { RoutedExternalCalls } from './runtime-external-calls.js';
import { RuntimeSettingsSource } from './runtime-settings.js';
import { OutboxMessageKind, RuntimeStepOutbox } from './step-outbox.js';

/** What the parts need. */
export interface RuntimePartsOptions {
  readonly store: Store;
  readonly clock: Clock;
  /** Environment variables read: WAYMARK_CALLBACK_URL, WAYMARK_CALLBACK_TOKEN, WAYMARK_HTTP_ALLOWLIST, WAYMARK_FILE_SANDBOX. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The file sandbox as the server's config resolved it; when absent, WAYMARK_FILE_SANDBOX is read. */
  readonly fileSandbox?: string | null;
  /** Lifetime of cached getactions/getconditions/getrules answers. Default 5 minutes. */
  readonly callbackListCacheMs?: number;
  /** Lifetime of cached settings. Default 5 s. */
  readonly settingsCacheMs?: number;
  readonly httpTimeoutMs?: number;
  readonly httpMaxResponseBytes?: number;
}

/** The runtime's shared parts. */
export interface RuntimeParts {
  readonly settings: RuntimeSettingsSource;
  readonly callbacks: CallbackClient;
  readonly outbox: RuntimeStepOutbox;
  readonly external: RoutedExternalCalls;
  readonly deliver: DeliverMessage;
  /** Whether a callback server is configured now (scheme import accepts unknown names then). */
  readonly callbackServerConfigured: boolean;
  /** The sandbox folder of file actions, or null when they are off. */
  readonly fileSandbox: string | null;
}

/** Builds the runtime's parts (reads the settings once to report what is configured). */
export async function createRuntimeParts(options: RuntimePartsOptions): Promise<RuntimeParts> {
  const env = options.env ?? process.env;
  const fileSandbox = options.fileSandbox !== undefined
    ? options.fileSandbox
    : env.WAYMARK_FILE_SANDBOX?.trim() ? resolve(env.WAYMARK_FILE_SANDBOX.trim()) : null;
  const settings = new RuntimeSettingsSource(options.store, env, options.clock, fileSandbox, options.settingsCacheMs);
  const callbacks = new CallbackClient({
    servers: async () => (await settings.get()).callbackServers,
    clock: options.clock,
    ...(options.callbackListCacheMs === undefined ? {} : { listCacheMs: options.callbackListCacheMs }),
  });
  const outbox = new RuntimeStepOutbox(async () => ({
    statusChanged: await callbacks.anyServerHandles('processstatuschanged'),
    activityChanged: await callbacks.anyServerHandles('processactivitychanged'),
  }));
  const external = new RoutedExternalCalls({
    callbacks,
    settings,
    ...(options.httpTimeoutMs === undefined ? {} : { httpTimeoutMs: options.httpTimeoutMs }),
    ...(options.httpMaxResponseBytes === undefined ? {} : { httpMaxResponseBytes: options.httpMaxResponseBytes }),
  });
  const deliver: DeliverMessage = async (message) => {
    switch (message.kind) {
      case OutboxMessageKind.ProcessStatusChanged:
        return callbacks.notify('processstatuschanged', message.payload);
      case OutboxMessageKind.ProcessActivityChanged:
        return callbacks.notify('processactivitychanged', message.payload);
      case OutboxMessageKind.Webhook:
        return deliverWebhook(message.payload as unknown as WebhookPayload, (await settings.get()).allowlist, options.httpTimeoutMs);
      default:
        throw new WaymarkError('WM_INTERNAL', `Outbox message ${message.id} has an unknown kind '${message.kind}'`, { id: message.id, kind: message.kind });
    }
  };
  const current = await settings.get();
  return { settings, callbacks, outbox, external, deliver, callbackServerConfigured: current.callbackServers.length > 0, fileSandbox };
}
