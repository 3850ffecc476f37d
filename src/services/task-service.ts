/**
 * User tasks of the `/api/v1` dialect and the bearer links that open them.
 *
 * A user task is an inbox item: a waiting activity with an assignee. Its link
 * (`/workflows/{wfInstanceId}/tasks/current?token=…`) carries the task id, instance id, activity,
 * assignee and the inbox item's `addedAt` as a nonce, signed with HMAC-SHA256 under a key kept in
 * the settings. Every step that touches the instance rewrites its inbox with a new `addedAt`, so a
 * link stops working as soon as its task is done (or the instance moves on in any other way). A
 * link is a bearer URL that may be forwarded, so it also expires: it carries its expiry time
 * (`WAYMARK_TASK_LINK_TTL` after it was made, 30 days by default), checked with the injected clock.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { WaymarkError } from '../errors/index.js';
import type { InboxItem, JsonValue, ParameterInput, ParameterPolicy, ProcessInstance } from '../engine/types.js';
import type { AvailableCommand } from '../engine/index.js';
import type { Store } from '../store/store.js';
import type { WorkflowModelRecord } from '../store/tenant-records.js';
import type { ApiCaller } from './api-token-service.js';
import type { AssigneeDirectory } from './assignee-directory.js';
import type { ModelService } from './model-service.js';
import type { TenantService } from './tenant-service.js';
import type { WorkflowService } from './workflow-service.js';

/** The setting that keeps the task-link signing key. */
export const TASK_LINK_KEY_SETTING = 'apiV1TaskLinkKey';

/** What the bearer of a task link may pass: the command's declared inputs, never stored. */
export const TASK_LINK_PARAMETER_POLICY: ParameterPolicy = 'commandInputsOnly';

/** How long a task link opens its task when no lifetime is configured: 30 days. */
export const DEFAULT_TASK_LINK_LIFETIME_MS = 30 * 24 * 60 * 60_000;

/** Options of the {@link TaskService}. */
/** The records TaskService reads itself: the user-task listing and the task-link signing key's setting. */
export type TaskStore = Pick<Store, 'tenantRecords' | 'getSetting' | 'setSetting'>;

/** How task links are made. */
export interface TaskServiceOptions {
  /** How long a link stays valid after it is made (`WAYMARK_TASK_LINK_TTL`); default 30 days. */
  readonly linkLifetimeMs?: number;
}

/** Which tasks `GET /user/{email}/tasks` returns. */
export type TaskStatusFilter = 'current' | 'completed' | 'all';

/** A user task as `/api/v1` lists it. */
export interface UserTaskView {
  readonly assignee: string;
  readonly taskId: string;
  readonly taskName: string;
  readonly wfInstanceId: string;
  readonly wfInstanceName: string;
  readonly wfModelId: string;
  readonly wfModelName: string;
  /** The task link; null for a completed task (links only open current tasks). */
  readonly url: string | null;
  readonly tenantId: string;
  readonly created: string;
}

/** Filters of `GET /user/{email}/tasks`. */
export interface UserTaskQuery {
  readonly wfModelId?: string;
  readonly tenantId?: string;
  readonly organizationId?: string;
  readonly status?: TaskStatusFilter;
}

/** A command the assignee may execute from a task link. */
export interface TaskCommandView {
  readonly name: string;
  readonly localizedName: string;
  readonly parameters: readonly { readonly name: string; readonly localizedName: string; readonly type: string; readonly isRequired: boolean; readonly defaultValue: JsonValue | null }[];
}

/** What a task link opens. */
export interface OpenedTask {
  readonly taskId: string;
  readonly taskName: string;
  readonly assignee: string;
  readonly wfInstanceId: string;
  readonly wfInstanceName: string;
  readonly wfModelId: string;
  readonly wfModelName: string;
  readonly commands: readonly TaskCommandView[];
}

interface LinkClaims {
  readonly t: string;
  readonly i: string;
  readonly a: string;
  readonly u: string;
  readonly n: string;
  /** Expiry, in milliseconds since the epoch. Links made before links expired have none. */
  readonly e?: number;
}

/** A stable, uuid-shaped id for one assignment of one activity of one instance. */
export function taskIdOf(processId: string, activityName: string, identityId: string, at: string): string {
  const hex = createHash('sha256').update([processId, activityName, identityId, at].join('\n'), 'utf8').digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The path of a task link (without the origin). */
export function taskLinkPath(processId: string, token: string): string {
  return `/workflows/${encodeURIComponent(processId)}/tasks/current?token=${encodeURIComponent(token)}`;
}

function invalidLink(message: string): WaymarkError {
  return new WaymarkError('WM_UNAUTHORIZED', message, { reason: 'taskLink' });
}

/** User tasks, and signing, opening and completing their links. */
export class TaskService {
  private key: Buffer | null = null;
  private readonly linkLifetimeMs: number;

  constructor(
    private readonly workflow: WorkflowService,
    private readonly models: ModelService,
    private readonly tenants: TenantService,
    private readonly assignees: AssigneeDirectory,
    private readonly store: TaskStore,
    options: TaskServiceOptions = {},
  ) {
    this.linkLifetimeMs = options.linkLifetimeMs ?? DEFAULT_TASK_LINK_LIFETIME_MS;
  }

  /** The link token of a current inbox item of an instance. */
  async signTask(instance: ProcessInstance, item: InboxItem): Promise<string> {
    return this.signTaskOf(instance.id, instance.activityName, item.identityId, item.addedAt);
  }

  private async signTaskOf(processId: string, activityName: string, identityId: string, addedAt: string): Promise<string> {
    const claims: LinkClaims = {
      t: taskIdOf(processId, activityName, identityId, addedAt),
      i: processId,
      a: activityName,
      u: identityId,
      n: addedAt,
      e: this.workflow.clock.now().getTime() + this.linkLifetimeMs,
    };
    const body = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
    return `${body}.${(await this.signature(body)).toString('base64url')}`;
  }

  /** The link of the first current task of a new instance (the initiator's own first), or null. */
  async initialTaskLink(instance: ProcessInstance, initiator: string, baseUrl: string): Promise<string | null> {
    const inbox = await this.workflow.inboxOf(instance.id);
    const mine = new Set(await this.assignees.identitiesForEmail(initiator));
    const item = inbox.find((i) => mine.has(i.identityId)) ?? inbox[0];
    return item ? `${baseUrl}${taskLinkPath(instance.id, await this.signTask(instance, item))}` : null;
  }

  /**
   * A page of the tasks assigned to an email, in the caller's tenants, newest first. `tenantId`
   * and `organizationId` together are refused; `wfModelId` overrides both. A fixed number of
   * statements whatever the page size.
   */
  async listUserTasks(caller: ApiCaller, email: string, query: UserTaskQuery & { readonly skip: number; readonly take: number }, baseUrl: string): Promise<UserTaskView[]> {
    if (query.tenantId !== undefined && query.organizationId !== undefined) {
      throw new WaymarkError('WM_INPUT_INVALID', 'Only one of tenantId and organizationId may be given', {
        rule: 'OnlyTenantIdOrOrganizationIdAllowed',
        field: 'tenantId,organizationId',
      });
    }
    let tenantIds: readonly string[] = [...caller.visibleTenantIds];
    if (query.wfModelId === undefined && (query.tenantId !== undefined || query.organizationId !== undefined)) {
      const asked = (query.tenantId ?? query.organizationId)!;
      if (!caller.visibleTenantIds.has(asked)) {
        throw new WaymarkError('WM_FORBIDDEN', `This API token has no access to tenant ${asked}`, { tenantId: asked });
      }
      const scope = query.organizationId !== undefined ? await this.tenants.visibleTenantIds(asked) : new Set([asked]);
      tenantIds = [...scope].filter((tenantId) => caller.visibleTenantIds.has(tenantId));
    }
    const identities = await this.assignees.identitiesForEmail(email);
    const rows = await this.store.tenantRecords.listUserTasks({
      identities,
      status: query.status ?? 'current',
      tenantIds,
      ...(query.wfModelId === undefined ? {} : { modelId: query.wfModelId }),
      skip: query.skip,
      take: query.take,
    });
    const assignees = await this.assignees.viewsOf(identities);
    const tasks: UserTaskView[] = [];
    for (const row of rows) {
      const current = row.kind === 'current';
      tasks.push({
        assignee: assignees.get(row.identityId)?.email ?? row.identityId,
        taskId: taskIdOf(row.processId, row.activityName, row.identityId, row.at),
        taskName: row.activityName,
        wfInstanceId: row.processId,
        wfInstanceName: row.instanceName ?? `${row.model.name} ${row.rootProcessId}`,
        wfModelId: row.model.id,
        wfModelName: row.model.name,
        // Links only open current tasks.
        url: current ? `${baseUrl}${taskLinkPath(row.processId, await this.signTaskOf(row.processId, row.activityName, row.identityId, row.at))}` : null,
        tenantId: row.model.tenantId,
        created: row.created,
      });
    }
    return tasks;
  }

  /** What a task link opens; WM_UNAUTHORIZED when the link is not valid (any more). */
  async openTask(processId: string, token: string): Promise<OpenedTask> {
    const { claims, instance, model, instanceName } = await this.verify(processId, token);
    const available = await this.workflow.getAvailableCommands({ processId: instance.id, actor: { identityId: claims.u, impersonatedIdentityId: null } });
    return {
      taskId: claims.t,
      taskName: instance.activityName,
      assignee: (await this.assignees.viewOf(claims.u)).email,
      wfInstanceId: instance.id,
      wfInstanceName: instanceName,
      wfModelId: model.id,
      wfModelName: model.name,
      commands: available.map(commandView),
    };
  }

  /**
   * Completes a task through its link: executes `command` as the assignee. A link is a
   * forwardable bearer URL, not a credential of the API, so its bearer may pass only the
   * command's declared input parameters, for this step ({@link TASK_LINK_PARAMETER_POLICY}):
   * any other name is refused with WM_INPUT_INVALID and nothing passed is stored.
   */
  async completeTask(processId: string, token: string, input: { command: unknown; parameters: unknown }): Promise<{ instance: ProcessInstance; taskId: string }> {
    const { claims, instance } = await this.verify(processId, token);
    if (typeof input.command !== 'string' || input.command.trim() === '') {
      throw new WaymarkError('WM_INPUT_MISSING', 'A command is required to complete the task', { field: 'command' });
    }
    const parameters = parameterInputs(input.parameters);
    const actor = { identityId: claims.u, impersonatedIdentityId: null };
    const available = await this.workflow.getAvailableCommands({ processId: instance.id, actor });
    if (!available.some((c) => c.name === input.command)) {
      throw new WaymarkError('WM_INPUT_INVALID', `Command '${input.command}' is not one this task offers (${available.map((c) => c.name).join(', ') || 'none'})`, { field: 'command' });
    }
    const result = await this.workflow.executeCommand({
      processId: instance.id,
      command: input.command,
      actor,
      parameters,
      parameterPolicy: TASK_LINK_PARAMETER_POLICY,
    });
    if (!result.wasExecuted) {
      throw new WaymarkError('WM_COMMAND_NOT_AVAILABLE', `Command '${input.command}' could not be executed now`, { command: input.command });
    }
    return { instance: result.instance, taskId: claims.t };
  }

  private async verify(processId: string, token: string): Promise<{ claims: LinkClaims; instance: ProcessInstance; model: WorkflowModelRecord; instanceName: string }> {
    const [body, signature, extra] = token.split('.');
    if (!body || !signature || extra !== undefined) throw invalidLink('The task link token is malformed');
    const expected = await this.signature(body);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidLink('The task link token is not valid');
    let claims: LinkClaims;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as LinkClaims;
    } catch {
      throw invalidLink('The task link token is malformed');
    }
    if (claims.i !== processId) throw invalidLink('The task link is for another workflow instance');
    // A link made before links expired carries no expiry: its task was assigned at `n`, so it was
    // made after that, and `n` plus the lifetime never outlives a link made now.
    const expiresAt = typeof claims.e === 'number' ? claims.e : Date.parse(claims.n) + this.linkLifetimeMs;
    if (!(this.workflow.clock.now().getTime() < expiresAt)) {
      throw invalidLink('The task link has expired: open the task from a fresh link (GET /api/v1/user/{email}/tasks lists current ones)');
    }
    const instance = await this.workflow.findInstance(processId);
    const inbox = instance ? await this.workflow.inboxOf(processId) : [];
    const current = inbox.find((item) => item.identityId === claims.u && item.addedAt === claims.n);
    if (!instance || !current || instance.activityName !== claims.a || taskIdOf(instance.id, instance.activityName, current.identityId, current.addedAt) !== claims.t) {
      throw invalidLink('The task of this link is done or no longer current');
    }
    const owner = await this.models.modelOfInstance(instance);
    if (!owner) throw invalidLink('The task of this link belongs to no workflow model');
    return { claims, instance, ...owner };
  }

  private async signature(body: string): Promise<Buffer> {
    return createHmac('sha256', await this.signingKey()).update(body, 'utf8').digest();
  }

  private async signingKey(): Promise<Buffer> {
    if (this.key) return this.key;
    let stored = await this.store.getSetting<string>(TASK_LINK_KEY_SETTING);
    if (stored === null) {
      await this.store.setSetting(TASK_LINK_KEY_SETTING, randomBytes(32).toString('base64url'));
      // Read back: when two servers create a key at once, both use the one that was kept.
      stored = (await this.store.getSetting<string>(TASK_LINK_KEY_SETTING))!;
    }
    this.key = Buffer.from(stored, 'base64url');
    return this.key;
  }
}

function commandView(command: AvailableCommand): TaskCommandView {
  return {
    name: command.name,
    localizedName: command.localizedName,
    parameters: command.parameters.map((p) => ({
      name: p.parameterName,
      localizedName: p.localizedName,
      type: p.typeName,
      isRequired: p.isRequired,
      defaultValue: p.defaultValue,
    })),
  };
}

function parameterInputs(parameters: unknown): ParameterInput[] {
  if (parameters === undefined || parameters === null) return [];
  if (typeof parameters !== 'object' || Array.isArray(parameters)) {
    throw new WaymarkError('WM_INPUT_INVALID', 'parameters must be a JSON object of name → value', { field: 'parameters' });
  }
  return Object.entries(parameters as Record<string, JsonValue>).map(([name, value]) => ({ name, value }));
}
