/**
 * The engine's ExternalCalls port as the server provides it: HTTP actions and file actions run
 * here with the arguments their scheme compiled, Webhook messages are composed here for the
 * step result; every other name goes to the callback servers.
 */
import type { ExternalCallContext, ExternalCalls, JsonValue, StepMessage } from '../engine/types.js';
import { WaymarkError } from '../errors/index.js';
import {
  parseActionArguments,
  parseConditionArguments,
  type ActionArguments,
  type CompiledActionCall,
  type CompiledCondition,
  type ConditionArguments,
  type WebhookArguments,
} from '../scheme/index.js';
import { checkHttpRequest, runHttpRequest, type HttpActionLimits } from '../actions/http-request.js';
import type { HostAllowlist, HostResolver } from '../actions/outbound-http.js';
import { FILE_ACTIONS, runFileAction } from '../actions/files.js';
import { WEBHOOK_ACTION, webhookMessage } from '../actions/webhook.js';
import type { CallbackClient } from '../callbacks/index.js';
import type { RuntimeSettingsSource } from './runtime-settings.js';

/** What the router needs. */
export interface RoutedExternalCallsOptions {
  readonly callbacks: CallbackClient;
  readonly settings: RuntimeSettingsSource;
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

  async executeAction(name: string, parameter: string | null, context: ExternalCallContext, call?: CompiledActionCall): Promise<Record<string, JsonValue> | void> {
    const settings = await this.options.settings.get();
    if (name === 'HTTPRequest') return runHttpRequest(expect(name, call?.arguments ?? actionArguments(name, parameter), 'HTTPRequest'), context, this.httpLimits(settings.allowlist));
    if (name === WEBHOOK_ACTION) {
      // Only when called directly: the engine asks composeWebhook and puts the message in the step result.
      throw new WaymarkError('WM_INTERNAL', 'Webhook messages are composed with composeWebhook, as part of a step', { action: name });
    }
    if (FILE_ACTIONS.has(name)) {
      if (settings.fileSandbox === null) {
        throw new WaymarkError('WM_ACTION_FAILED', `${name}: file actions are off; set WAYMARK_FILE_SANDBOX to a folder to allow them inside it`, { action: name });
      }
      return runFileAction(name, expect(name, call?.arguments ?? actionArguments(name, parameter), 'File').fields, context, settings.fileSandbox);
    }
    return this.options.callbacks.executeAction(name, parameter, context);
  }

  async executeCondition(name: string, parameter: string | null, context: ExternalCallContext, condition?: Extract<CompiledCondition, { type: 'Action' }>): Promise<boolean> {
    if (name === 'CheckHTTPRequest') {
      const settings = await this.options.settings.get();
      return checkHttpRequest(expect(name, condition?.arguments ?? conditionArguments(name, parameter), 'CheckHTTPRequest'), context, this.httpLimits(settings.allowlist));
    }
    return this.options.callbacks.executeCondition(name, parameter, context);
  }

  async composeWebhook(target: WebhookArguments['target'], context: ExternalCallContext, now: Date): Promise<StepMessage> {
    const settings = await this.options.settings.get();
    return webhookMessage(target, context, { webhooks: settings.webhooks, allowlist: settings.allowlist, now });
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

/** A direct caller's parameter text, parsed by the scheme module's rules (the engine passes the compiled call). */
function actionArguments(name: string, parameter: string | null): ActionArguments {
  const parsed = parseActionArguments(name, parameter);
  return 'arguments' in parsed ? parsed.arguments : { kind: 'Invalid', problem: parsed.problem };
}

function conditionArguments(name: string, parameter: string | null): ConditionArguments {
  const parsed = parseConditionArguments(name, parameter);
  return 'arguments' in parsed ? parsed.arguments : { kind: 'Invalid', problem: parsed.problem };
}

/** The arguments of the expected kind; a parameter that could not be read fails the action with its problem. */
function expect<K extends (ActionArguments | ConditionArguments)['kind']>(
  name: string,
  args: ActionArguments | ConditionArguments,
  kind: K,
): Extract<ActionArguments | ConditionArguments, { kind: K }> {
  if (args.kind === 'Invalid') throw new WaymarkError('WM_ACTION_FAILED', args.problem, { action: name });
  if (args.kind !== kind) throw new WaymarkError('WM_INTERNAL', `${name} was given arguments of ${args.kind}`, { action: name });
  return args as Extract<ActionArguments | ConditionArguments, { kind: K }>;
}
