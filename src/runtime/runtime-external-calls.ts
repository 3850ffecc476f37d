/**
 * The engine's ExternalCalls port as the server provides it: HTTP actions, file actions and the
 * Webhook action run here; every other name goes to the callback servers.
 */
import type { ExternalCallContext, ExternalCalls, JsonValue } from '../engine/types.js';
import { WaymarkError } from '../errors/index.js';
import { checkHttpRequest, runHttpRequest, type HttpActionLimits } from '../actions/http-request.js';
import type { HostAllowlist, HostResolver } from '../actions/outbound-http.js';
import { FILE_ACTIONS, runFileAction } from '../actions/files.js';
import { WEBHOOK_ACTION, webhookMessage } from '../actions/webhook.js';
import type { CallbackClient } from '../callbacks/index.js';
import type { Clock } from '../services/clock.js';
import type { RuntimeSettingsSource } from './runtime-settings.js';
import type { RuntimeStepOutbox } from './step-outbox.js';

/** What the router needs. */
export interface RoutedExternalCallsOptions {
  readonly callbacks: CallbackClient;
  readonly outbox: RuntimeStepOutbox;
  readonly settings: RuntimeSettingsSource;
  readonly clock: Clock;
  /** Timeout of HTTPRequest/CheckHTTPRequest. Default 10 s. */
  readonly httpTimeoutMs?: number;
  /** Largest response HTTP actions read. Default 1 MiB. */
  readonly httpMaxResponseBytes?: number;
  /** Resolves host names for HTTP actions; default: the system's resolver. */
  readonly resolveHost?: HostResolver;
}

/** Routes each external name to the built-in action that runs it or to the callback servers. */
export class RoutedExternalCalls implements ExternalCalls {
  constructor(private readonly options: RoutedExternalCallsOptions) {}

  async executeAction(name: string, parameter: string | null, context: ExternalCallContext): Promise<Record<string, JsonValue> | void> {
    const settings = await this.options.settings.get();
    if (name === 'HTTPRequest') return runHttpRequest(parameter, context, this.httpLimits(settings.allowlist));
    if (name === WEBHOOK_ACTION) {
      this.options.outbox.enqueue(context.instance.rootProcessId, webhookMessage(parameter, context, { webhooks: settings.webhooks, allowlist: settings.allowlist, now: this.options.clock.now() }));
      return;
    }
    if (FILE_ACTIONS.has(name)) {
      if (settings.fileSandbox === null) {
        throw new WaymarkError('WM_ACTION_FAILED', `${name}: file actions are off; set WAYMARK_FILE_SANDBOX to a folder to allow them inside it`, { action: name });
      }
      return runFileAction(name, parameter, context, settings.fileSandbox);
    }
    return this.options.callbacks.executeAction(name, parameter, context);
  }

  async executeCondition(name: string, parameter: string | null, context: ExternalCallContext): Promise<boolean> {
    if (name === 'CheckHTTPRequest') {
      const settings = await this.options.settings.get();
      return checkHttpRequest(parameter, context, this.httpLimits(settings.allowlist));
    }
    return this.options.callbacks.executeCondition(name, parameter, context);
  }

  checkRule(rule: string, value: string | null, identityId: string, context: ExternalCallContext): Promise<boolean> {
    return this.options.callbacks.checkRule(rule, value, identityId, context);
  }

  getIdentities(rule: string, value: string | null, context: ExternalCallContext): Promise<readonly string[]> {
    return this.options.callbacks.getIdentities(rule, value, context);
  }

  private httpLimits(allowlist: HostAllowlist): HttpActionLimits {
    return {
      allowlist,
      ...(this.options.httpTimeoutMs === undefined ? {} : { timeoutMs: this.options.httpTimeoutMs }),
      ...(this.options.httpMaxResponseBytes === undefined ? {} : { maxResponseBytes: this.options.httpMaxResponseBytes }),
      ...(this.options.resolveHost === undefined ? {} : { resolveHost: this.options.resolveHost }),
    };
  }
}
