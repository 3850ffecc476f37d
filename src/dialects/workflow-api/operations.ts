/**
 * The Workflow API's operations: for each, its parameters (for the OpenAPI document and the docs
 * page) and a thin handler that reads parameters, calls one service, and renames the result.
 */
import type { Actor } from '../../engine/types.js';
import { WaymarkError } from '../../errors/index.js';
import { MAX_PAGE_SIZE, type CallScope, type UserInput, type UserService, type WorkflowService } from '../../services/index.js';
import type { FormService } from '../../services/form-service.js';
import type { LogLevel, LogService } from '../../services/log-service.js';
import type { InstanceQuery, StoredScheme } from '../../store/store.js';
import { ErrorTexts, SuccessTexts, isGuid, type RequestParameters } from './request-parameters.js';
import { schemeModel } from './scheme-model.js';
import { userLockGuid } from './vendor-guids.js';
import {
  commandShape,
  formShape,
  inboxShape,
  outboxShape,
  processInfoShape,
  processInstanceShape,
  stateToSetShape,
  userShape,
} from './shapes.js';

/** The services an operation may call. */
export interface OperationServices {
  readonly workflow: WorkflowService;
  readonly users: UserService;
  readonly logs: LogService;
  readonly forms: FormService;
  /** Runs work after the response (inboxrecalc); failures are logged. */
  readonly background: (name: string, work: () => Promise<unknown>) => void;
}

/** What an operation answers: `data` and an optional `message`. */
export interface OperationResult {
  readonly data?: unknown;
  readonly message?: string;
}

/** One documented parameter. */
export interface ParameterDoc {
  readonly name: string;
  /** `processParameters`: the `parameters` list, `[{name, value, persist}]` or an object of values. */
  readonly type: 'string' | 'guid' | 'integer' | 'boolean' | 'date' | 'array' | 'object' | 'any' | 'processParameters';
  /** The type of an array's items (text by default). */
  readonly items?: 'string' | 'guid' | 'object';
  /** The values a string (or each item of an array) may take. */
  readonly enum?: readonly string[];
  readonly required?: boolean;
  readonly description: string;
  /** How the admin panel's API explorer helps fill the field where the type alone does not say. */
  readonly editor?: EditorHint;
}

/**
 * An API explorer hint, published as `x-waymark-…` extensions in the OpenAPI document:
 * `storedSchemes` offers the stored scheme codes; `generateId` offers a Generate button for a new
 * id; `load` fills a list from another operation's answer, called with the form's values of the
 * named parameters.
 */
export type EditorHint =
  | { readonly kind: 'storedSchemes' }
  | { readonly kind: 'generateId' }
  | { readonly kind: 'load'; readonly operation: string; readonly with: readonly string[]; readonly value: string; readonly label: string };

/** The vendor's sections of the Workflow API, in the vendor's order. */
export const OPERATION_SECTIONS = ['Instance', 'Folders', 'Logs', 'Server', 'User', 'Other'] as const;
/** One of {@link OPERATION_SECTIONS}. */
export type OperationSection = (typeof OPERATION_SECTIONS)[number];

/** A Workflow API operation. */
export interface Operation {
  readonly name: string;
  readonly section: OperationSection;
  /** A one-line title, e.g. "Create a process instance" (the OpenAPI summary). */
  readonly title: string;
  /** What it does, in a sentence or two (the OpenAPI description). */
  readonly summary: string;
  /** The parameter the URL's second segment fills (`/workflowapi/{operation}/{id}`). */
  readonly urlId: 'processId' | 'id' | 'name' | 'schemeCode';
  readonly parameters: readonly ParameterDoc[];
  readonly data: string;
  run(params: RequestParameters, services: OperationServices): Promise<OperationResult>;
}

const P = {
  processId: { name: 'processId', type: 'guid', required: true, description: 'The process instance id (goes in the URL).' },
  identityId: { name: 'identityId', type: 'string', description: 'The acting user.' },
  impersonatedIdentityId: { name: 'impersonatedIdentityId', type: 'string', description: 'The user the acting user stands in for.' },
  tenantId: { name: 'tenantId', type: 'string', description: 'Asserts the process belongs to this tenant; a mismatch is an error.' },
  culture: { name: 'culture', type: 'string', description: 'Culture for localized names, e.g. en-US.' },
  parameters: {
    name: 'parameters',
    type: 'processParameters',
    description: 'Process parameters: [{"name","value","persist"}], or an object of values with persist=a,b naming those to persist.',
  },
  processIds: { name: 'processIds', type: 'array', items: 'guid', required: true, description: 'Process ids (JSON array, or JSON/comma-separated text).' },
  userId: { name: 'id', type: 'guid', required: true, description: 'The user id (goes in the URL).' },
  schemeCode: { name: 'schemeCode', type: 'string', description: 'Only instances of this scheme.', editor: { kind: 'storedSchemes' } },
} satisfies Record<string, ParameterDoc>;

const USER_FIELDS: readonly ParameterDoc[] = [
  { name: 'name', type: 'string', description: 'Display name (required on create).' },
  { name: 'email', type: 'string', description: 'E-mail address.' },
  { name: 'phone', type: 'string', description: 'Phone number.' },
  { name: 'login', type: 'string', description: 'Sign-in name of the password; given together with password.' },
  { name: 'password', type: 'string', description: 'Password (stored as a scrypt hash, never returned); given together with login.' },
  { name: 'roles', type: 'array', description: 'Role names (the role admin is refused).' },
  { name: 'domainLogin', type: 'string', description: 'Domain sign-in name.' },
  { name: 'extensions', type: 'object', description: 'Free-form extra fields.' },
  P.tenantId,
];

function actorOf(params: RequestParameters): Actor {
  return { identityId: params.string('identityId') ?? null, impersonatedIdentityId: params.string('impersonatedIdentityId') ?? null };
}

function scopeOf(params: RequestParameters): CallScope {
  return { tenantId: params.string('tenantId') ?? null };
}

function userInputOf(params: RequestParameters, id: string): Partial<UserInput> & { id: string } {
  const input: { -readonly [K in keyof UserInput]?: UserInput[K] } & { id: string } = { id };
  const name = params.string('name');
  if (name !== undefined) input.name = name;
  for (const field of ['email', 'phone', 'login', 'domainLogin', 'tenantId'] as const) {
    if (params.has(field)) input[field] = params.string(field) ?? null;
  }
  const password = params.string('password');
  if (password !== undefined) input.password = password;
  const roles = params.stringList('roles');
  if (roles !== undefined) input.roles = roles;
  const extensions = params.object('extensions');
  if (extensions !== undefined) input.extensions = extensions;
  const externalLogins = params.array('externalLogins');
  if (externalLogins !== undefined) input.externalLogins = externalLogins;
  const isLocked = params.boolean('isLocked');
  if (isLocked !== undefined) input.isLocked = isLocked;
  return input;
}

// Caller-given names are looked up in Maps: a plain object would answer `constructor` with a function.
const STATUS_NAMES: ReadonlyMap<string, number> = new Map([['initialized', 0], ['running', 1], ['idled', 2], ['finalized', 3], ['terminated', 4], ['error', 5]]);

function statusesOf(params: RequestParameters): number[] | undefined {
  const raw = params.raw('status');
  if (raw === undefined || raw === null || raw === '') return undefined;
  const items =
    typeof raw === 'number' ? [String(raw)] : Array.isArray(raw) ? raw.map((item) => String(item)) : params.stringList('status');
  return items?.map((item) => {
    const status = /^\d+$/.test(item) ? Number(item) : STATUS_NAMES.get(item.toLowerCase());
    if (status === undefined || status > 5) {
      throw new WaymarkError('WM_INPUT_INVALID', `Parameter 'status' must be 0-5 or one of ${[...STATUS_NAMES.keys()].join(', ')}!`, {
        field: 'status',
      });
    }
    return status;
  });
}

const SORT_FIELDS: ReadonlyMap<string, NonNullable<InstanceQuery['sort']>['field']> = new Map([
  ['creationdate', 'createdAt'],
  ['lasttransitiondate', 'lastTransitionAt'],
  ['schemecode', 'schemeCode'],
  ['activityname', 'activityName'],
  ['statename', 'stateName'],
  ['status', 'status'],
  ['instancestatus', 'status'],
  ['id', 'id'],
]);

function sortOf(params: RequestParameters): InstanceQuery['sort'] {
  const text = params.string('sort');
  if (text === undefined) return { field: 'createdAt', direction: 'desc' };
  const [fieldName = '', direction = 'asc', ...rest] = text.trim().split(/\s+/);
  const field = SORT_FIELDS.get(fieldName.toLowerCase());
  const dir = direction.toLowerCase();
  if (!field || (dir !== 'asc' && dir !== 'desc') || rest.length > 0) {
    throw new WaymarkError(
      'WM_INPUT_INVALID',
      `Parameter 'sort' must be '<field> [asc|desc]' with field one of CreationDate, LastTransitionDate, SchemeCode, ActivityName, StateName, Status, Id!`,
      { field: 'sort' },
    );
  }
  return { field, direction: dir };
}

const DEFAULT_TAKE = 10;

/** A page size parameter: a whole number up to {@link MAX_PAGE_SIZE} (0 = all), or undefined. */
function pageSizeOf(params: RequestParameters, name: string): number | undefined {
  const size = params.count(name);
  if (size !== undefined && size > MAX_PAGE_SIZE) {
    throw new WaymarkError('WM_INPUT_INVALID', `Parameter '${name}' must be at most ${MAX_PAGE_SIZE}!`, { field: name, maxPageSize: MAX_PAGE_SIZE });
  }
  return size;
}

/** Refuses an "all" listing (page size 0) that found more than a page can hold. */
function refuseOverfull(found: number, what: string, pagingParameters: string): void {
  if (found > MAX_PAGE_SIZE) {
    throw new WaymarkError(
      'WM_INPUT_INVALID',
      `More than ${MAX_PAGE_SIZE} ${what} match: ask for them page by page with ${pagingParameters} (at most ${MAX_PAGE_SIZE} a page)!`,
      { maxPageSize: MAX_PAGE_SIZE },
    );
  }
}

function logOperation(level: LogLevel): Operation {
  return {
    name: `log${level}`,
    title: `Write ${/^[aeiou]/.test(level) ? 'an' : 'a'} ${level} entry to the log`,
    section: 'Logs',
    summary: `Writes a ${level} entry to the server log; every other named field becomes a property of the entry.`,
    urlId: 'processId',
    parameters: [{ name: 'message', type: 'string', required: true, description: 'The log message.' }],
    data: 'null',
    async run(params, { logs }) {
      await logs.write(level, params.string('message'), params.allExcept(['message', 'operation', 'token']));
      return {};
    },
  };
}

async function userOperation<T>(users: UserService, work: () => Promise<T>): Promise<T> {
  await users.assertUserApiOpen();
  return work();
}

/** Every operation of the Workflow API, in the reference's order. */
export const OPERATIONS: readonly Operation[] = [
  {
    name: 'createinstance',
    title: 'Create a process instance',
    section: 'Instance',
    summary: 'Creates a process instance of the latest version of a scheme. Refused when the processId exists.',
    urlId: 'processId',
    parameters: [
      { ...P.processId, editor: { kind: 'generateId' } },
      { ...P.schemeCode, required: true, description: 'The scheme code (legacy spelling schemacode accepted).' },
      P.identityId,
      P.impersonatedIdentityId,
      { name: 'schemeParameters', type: 'object', description: "Parameters of a generated scheme: when not empty, the callback servers' generate method makes the scheme the instance runs (docs/runtime.md)." },
      P.parameters,
      P.tenantId,
    ],
    data: 'null',
    async run(params, { workflow }) {
      const processId = params.processId();
      const schemeCode = params.string('schemeCode') ?? params.string('schemacode');
      if (!schemeCode) throw new WaymarkError('WM_INPUT_MISSING', ErrorTexts.schemeCodeRequired, { field: 'schemeCode' });
      const schemeParameters = params.object('schemeParameters');
      await workflow.createInstance({
        processId,
        schemeCode,
        actor: actorOf(params),
        parameters: params.passedParameters(),
        tenantId: params.string('tenantId') ?? null,
        ...(schemeParameters === undefined ? {} : { schemeParameters }),
      });
      return {};
    },
  },
  {
    name: 'getinstances',
    title: 'List process instances',
    section: 'Instance',
    summary:
      'A page of root process instances, filtered, searched and sorted, with how many match. With a search or date range, ' +
      'counting stops past max(10,000, skip + take) matches: TotalCount is then that bound + 1 and TotalCountIsLowerBound is true.',
    urlId: 'processId',
    parameters: [
      { name: 'take', type: 'integer', description: 'Page size; default 10, at most 1000; 0 = all (refused when more than 1000 match).' },
      { name: 'skip', type: 'integer', description: 'Instances to skip.' },
      {
        name: 'status',
        type: 'array',
        enum: ['Initialized', 'Running', 'Idled', 'Finalized', 'Terminated', 'Error'],
        description: 'Instance status (0-5 or its name), or several (array or comma-separated).',
      },
      { name: 'search', type: 'string', description: 'Substring of id, scheme code, activity or state.' },
      { name: 'sort', type: 'string', description: "'<field> [asc|desc]', default 'CreationDate desc'." },
      { name: 'fromCreationDate', type: 'date', description: 'Created at or after (ISO 8601).' },
      { name: 'toCreationDate', type: 'date', description: 'Created at or before (ISO 8601).' },
      { name: 'fromLastTransitionDate', type: 'date', description: 'Last transition at or after (ISO 8601).' },
      { name: 'toLastTransitionDate', type: 'date', description: 'Last transition at or before (ISO 8601).' },
      P.schemeCode,
      P.tenantId,
    ],
    data: '{ Instances: ProcessInstance[], TotalCount: number, TotalCountIsLowerBound: boolean }',
    async run(params, { workflow }) {
      const take = pageSizeOf(params, 'take') ?? DEFAULT_TAKE;
      const query: { -readonly [K in keyof InstanceQuery]: InstanceQuery[K] } = {
        // "All" reads one more than a page can hold, to tell when there is more.
        take: take === 0 ? MAX_PAGE_SIZE + 1 : take,
        skip: params.count('skip') ?? 0,
        sort: sortOf(params),
      };
      const statuses = statusesOf(params);
      if (statuses) query.statuses = statuses;
      for (const name of ['search', 'schemeCode', 'tenantId'] as const) {
        const value = params.string(name);
        if (value !== undefined) query[name] = value;
      }
      for (const name of ['fromCreationDate', 'toCreationDate', 'fromLastTransitionDate', 'toLastTransitionDate'] as const) {
        const value = params.date(name);
        if (value !== undefined) query[name] = value;
      }
      const page = await workflow.listInstances(query);
      refuseOverfull(take === 0 ? page.items.length : 0, 'instances', 'take and skip');
      return { data: { Instances: page.items.map(processInstanceShape), TotalCount: page.total, TotalCountIsLowerBound: page.totalIsLowerBound } };
    },
  },
  {
    name: 'getinstanceinfo',
    title: 'Get an instance with its transitions and history',
    section: 'Instance',
    summary: 'The instance with its status, transitions and history.',
    urlId: 'processId',
    parameters: [P.processId, P.tenantId],
    data: 'ProcessInfo',
    async run(params, { workflow }) {
      return { data: processInfoShape(await workflow.getInstanceInfo(params.processId(), scopeOf(params))) };
    },
  },
  {
    name: 'setparameter',
    title: 'Set a process parameter',
    section: 'Instance',
    summary: 'Writes a persistent process parameter.',
    urlId: 'processId',
    parameters: [
      P.processId,
      { name: 'parameter', type: 'string', required: true, description: 'The parameter name.' },
      { name: 'value', type: 'any', required: true, description: 'The value (JSON, or text converted to the declared type).' },
      P.tenantId,
    ],
    data: 'null',
    async run(params, { workflow }) {
      const processId = params.processId();
      const name = params.requiredString('parameter', ErrorTexts.parameterNameRequired);
      const value = params.value('value');
      if (value === undefined) throw new WaymarkError('WM_INPUT_MISSING', ErrorTexts.parameterValueRequired, { field: 'value' });
      await workflow.setParameter(processId, name, value, scopeOf(params));
      return {};
    },
  },
  {
    name: 'getparameter',
    title: 'Get a process parameter',
    section: 'Instance',
    summary: 'Reads a process parameter (persistent or system).',
    urlId: 'processId',
    parameters: [P.processId, { name: 'parameter', type: 'string', required: true, description: 'The parameter name.' }, P.tenantId],
    data: 'the value',
    async run(params, { workflow }) {
      const processId = params.processId();
      return { data: await workflow.getParameter(processId, params.requiredString('parameter', ErrorTexts.parameterNameRequired), scopeOf(params)) };
    },
  },
  {
    name: 'getavailablecommands',
    title: 'List the commands a user may execute',
    section: 'Instance',
    summary: 'Commands the identity may execute now.',
    urlId: 'processId',
    parameters: [P.processId, P.identityId, P.impersonatedIdentityId, P.tenantId, P.culture],
    data: 'Command[]',
    async run(params, { workflow }) {
      const processId = params.processId();
      const culture = params.string('culture');
      const commands = await workflow.getAvailableCommands({
        processId,
        actor: actorOf(params),
        scope: scopeOf(params),
        ...(culture === undefined ? {} : { culture }),
      });
      return { data: commands.map(commandShape) };
    },
  },
  {
    name: 'executecommand',
    title: 'Execute a command',
    section: 'Instance',
    summary: 'Executes a command for the identity. Refused when the identity may not execute it.',
    urlId: 'processId',
    parameters: [
      P.processId,
      {
        name: 'command',
        type: 'string',
        required: true,
        description: 'The command name.',
        editor: {
          kind: 'load',
          operation: 'getavailablecommands',
          with: ['processId', 'identityId', 'impersonatedIdentityId', 'tenantId'],
          value: 'CommandName',
          label: 'LocalizedName',
        },
      },
      P.identityId,
      P.impersonatedIdentityId,
      P.parameters,
      P.tenantId,
    ],
    data: '{ WasExecuted: boolean, ProcessInstance }',
    async run(params, { workflow }) {
      const processId = params.processId();
      const command = params.requiredString('command', ErrorTexts.commandRequired);
      const result = await workflow.executeCommand({
        processId,
        command,
        actor: actorOf(params),
        parameters: params.passedParameters(),
        // The vendor's semantics: a caller holding the API's access may pass and persist any parameter.
        parameterPolicy: 'anyParameter',
        scope: scopeOf(params),
      });
      return { data: { WasExecuted: result.wasExecuted, ProcessInstance: processInstanceShape(result.instance) } };
    },
  },
  {
    name: 'getavailablestatetoset',
    title: 'List the states an instance can be set to',
    section: 'Instance',
    summary: 'States that setstate accepts for this instance.',
    urlId: 'processId',
    parameters: [P.processId, P.tenantId, P.culture],
    data: '[{ Name, VisibleName, SchemeCode }]',
    async run(params, { workflow }) {
      const processId = params.processId();
      const states = await workflow.getAvailableStatesToSet(processId, params.string('culture'), scopeOf(params));
      return { data: states.map(stateToSetShape) };
    },
  },
  {
    name: 'setstate',
    title: "Set an instance's state",
    section: 'Instance',
    summary: 'Moves the instance to a state marked for set-state.',
    urlId: 'processId',
    parameters: [
      P.processId,
      {
        name: 'state',
        type: 'string',
        required: true,
        description: 'The state name.',
        editor: { kind: 'load', operation: 'getavailablestatetoset', with: ['processId', 'tenantId'], value: 'Name', label: 'VisibleName' },
      },
      P.identityId,
      P.impersonatedIdentityId,
      P.parameters,
      P.tenantId,
    ],
    data: 'null',
    async run(params, { workflow }) {
      const processId = params.processId();
      await workflow.setState({
        processId,
        state: params.requiredString('state'),
        actor: actorOf(params),
        parameters: params.passedParameters(),
        scope: scopeOf(params),
      });
      return {};
    },
  },
  {
    name: 'resume',
    title: 'Resume an instance that stopped in Error',
    section: 'Instance',
    summary: 'Restarts an instance that stopped in Error (at its activity, or at the given one).',
    urlId: 'processId',
    parameters: [
      P.processId,
      { name: 'activity', type: 'string', description: 'The activity to resume at; the current one by default.' },
      P.identityId,
      P.impersonatedIdentityId,
      P.parameters,
      P.tenantId,
    ],
    data: '{ WasResumed: boolean }',
    async run(params, { workflow }) {
      const processId = params.processId();
      const activity = params.string('activity');
      const result = await workflow.resume({
        processId,
        actor: actorOf(params),
        parameters: params.passedParameters(),
        scope: scopeOf(params),
        ...(activity === undefined ? {} : { activity }),
      });
      return { data: { WasResumed: result.wasResumed } };
    },
  },
  {
    name: 'isexistprocess',
    title: 'Check that an instance exists',
    section: 'Instance',
    summary: 'True when the instance exists (in the tenant, when one is given).',
    urlId: 'processId',
    parameters: [P.processId, P.tenantId],
    data: 'boolean',
    async run(params, { workflow }) {
      return { data: await workflow.instanceExists(params.processId(), scopeOf(params)) };
    },
  },
  {
    name: 'updateinstance',
    title: "Move an instance to its scheme's latest version",
    section: 'Instance',
    summary: 'Moves the instance to the latest version of its scheme; refused (with the reason) when it cannot move.',
    urlId: 'processId',
    parameters: [P.processId, P.tenantId],
    data: 'null',
    async run(params, { workflow }) {
      await workflow.updateInstanceScheme(params.processId(), scopeOf(params));
      return {};
    },
  },
  {
    name: 'updateinstances',
    title: "Move several instances to their schemes' latest versions",
    section: 'Instance',
    summary: 'Moves several instances to the latest versions of their schemes; reports those that could not move.',
    urlId: 'processId',
    parameters: [P.processIds, P.tenantId],
    data: 'null',
    async run(params, { workflow }) {
      const ids = params.processIds();
      const failures: string[] = [];
      for (const id of ids) {
        try {
          await workflow.updateInstanceScheme(id, scopeOf(params));
        } catch (error) {
          failures.push(`${id}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      if (failures.length > 0) {
        throw new WaymarkError('WM_INPUT_INVALID', 'Updating some processes thrown errors', { detail: failures.join('; ') });
      }
      return {};
    },
  },
  {
    name: 'deleteinstance',
    title: 'Delete an instance',
    section: 'Instance',
    summary: 'Deletes the instance with its subprocesses, parameters, history, inbox, outbox and timers.',
    urlId: 'processId',
    parameters: [P.processId, P.tenantId],
    data: 'null',
    async run(params, { workflow }) {
      const processId = params.processId();
      const { missing } = await workflow.deleteInstances([processId], scopeOf(params));
      if (missing.length > 0) {
        throw new WaymarkError('WM_INSTANCE_NOT_FOUND', `Process instance ${processId} is not found`, { processId });
      }
      return {};
    },
  },
  {
    name: 'deleteinstances',
    title: 'Delete several instances',
    section: 'Instance',
    summary: 'Deletes several instances; the others are deleted even when some are not found.',
    urlId: 'processId',
    parameters: [P.processIds, P.tenantId],
    data: 'null',
    async run(params, { workflow }) {
      const { missing } = await workflow.deleteInstances(params.processIds(), scopeOf(params));
      if (missing.length > 0) {
        throw new WaymarkError('WM_INSTANCE_NOT_FOUND', 'Deleting some processes thrown errors', {
          detail: `not found: ${missing.join(', ')}`,
          missing,
        });
      }
      return {};
    },
  },
  {
    name: 'inbox',
    title: 'List inbox items',
    section: 'Folders',
    summary: 'Inbox rows: who may act on which process, with which commands.',
    urlId: 'processId',
    parameters: [{ ...P.processId, required: false }, P.identityId, P.tenantId],
    data: '[{ ProcessId, IdentityId, AddingDate, AvailableCommands }]',
    async run(params, { workflow }) {
      const items = await workflow.getInbox(folderFilter(params), scopeOf(params));
      return { data: items.map(inboxShape) };
    },
  },
  {
    name: 'outbox',
    title: 'List outbox items',
    section: 'Folders',
    summary: 'Outbox rows: who acted on which process.',
    urlId: 'processId',
    parameters: [{ ...P.processId, required: false }, P.identityId, P.tenantId],
    data: '[{ ProcessId, ExecutorIdentityId, CommandName, ActivityName, StateName, ExecutionDate }]',
    async run(params, { workflow }) {
      const items = await workflow.getOutbox(folderFilter(params), scopeOf(params));
      return { data: items.map(outboxShape) };
    },
  },
  {
    name: 'inboxrecalc',
    title: 'Recalculate inboxes',
    section: 'Folders',
    summary: 'Recomputes the inbox of the given instances (all when none are given) in the background.',
    urlId: 'processId',
    parameters: [{ ...P.processIds, required: false }],
    data: 'null; message "Inbox recalc was started."',
    async run(params, { workflow, background }) {
      const ids = params.has('processIds') ? params.processIds(ErrorTexts.processIdsInvalid) : [];
      background('inboxrecalc', () => workflow.recalculateInbox(ids));
      return { message: SuccessTexts.inboxRecalcStarted };
    },
  },
  logOperation('info'),
  logOperation('error'),
  logOperation('debug'),
  {
    name: 'start',
    title: "Start this server's runtime",
    section: 'Server',
    summary: "Starts this server's runtime (timers and process execution).",
    urlId: 'processId',
    parameters: [],
    data: 'null',
    async run(_params, { workflow }) {
      workflow.execution.start();
      return {};
    },
  },
  {
    name: 'stop',
    title: "Stop this server's runtime",
    section: 'Server',
    summary: "Stops this server's runtime: operations that execute processes answer that it is stopped until start.",
    urlId: 'processId',
    parameters: [],
    data: 'null',
    async run(_params, { workflow }) {
      workflow.execution.stop();
      return {};
    },
  },
  {
    name: 'isactive',
    title: "Check that this server's runtime runs",
    section: 'Server',
    summary: "True while this server's runtime runs.",
    urlId: 'processId',
    parameters: [],
    data: 'boolean',
    async run(_params, { workflow }) {
      return { data: workflow.execution.isRunning };
    },
  },
  {
    name: 'getusers',
    title: 'List users',
    section: 'User',
    summary: 'A page of users (never with password hashes).',
    urlId: 'id',
    parameters: [
      { name: 'pageSize', type: 'integer', description: 'Users per page, at most 1000; 0 or absent = all (refused when more than 1000 match).' },
      { name: 'pageIndex', type: 'integer', description: 'Page number, from 1 (0 is read as 1).' },
      { name: 'role', type: 'string', description: 'Only users in this role.' },
      { name: 'name', type: 'string', description: 'Substring of the name.' },
      { name: 'email', type: 'string', description: 'Substring of the e-mail.' },
      { name: 'phone', type: 'string', description: 'Substring of the phone.' },
      P.tenantId,
    ],
    data: 'User[]',
    async run(params, { users }) {
      return userOperation(users, async () => {
        const pageSize = pageSizeOf(params, 'pageSize') ?? 0;
        // Pages count from 1, as in the vendor's admin; 0 (Waymark 0.1's first page) is the first page too.
        const pageNumber = Math.max(params.count('pageIndex') ?? 1, 1);
        const filter: { -readonly [K in keyof Parameters<UserService['list']>[0]]: Parameters<UserService['list']>[0][K] } = {
          skip: pageSize * (pageNumber - 1),
          // "All" reads one more than a page can hold, to tell when there is more.
          take: pageSize === 0 ? MAX_PAGE_SIZE + 1 : pageSize,
        };
        for (const name of ['role', 'name', 'email', 'phone', 'tenantId'] as const) {
          const value = params.string(name);
          if (value !== undefined) filter[name] = value;
        }
        const page = await users.list(filter);
        refuseOverfull(pageSize === 0 ? page.items.length : 0, 'users', 'pageSize and pageIndex');
        return { data: page.items.map(userShape) };
      });
    },
  },
  {
    name: 'getuser',
    title: 'Get a user',
    section: 'User',
    summary: 'One user by id (never with password hashes).',
    urlId: 'id',
    parameters: [P.userId],
    data: 'User',
    async run(params, { users }) {
      return userOperation(users, async () => ({ data: userShape(await users.get(params.userId())) }));
    },
  },
  {
    name: 'createuser',
    title: 'Create a user',
    section: 'User',
    summary: 'Creates a user. A login and a password are given together or not at all.',
    urlId: 'id',
    parameters: [{ ...P.userId, editor: { kind: 'generateId' } }, ...USER_FIELDS],
    data: 'null; message "User was created."',
    async run(params, { users }) {
      return userOperation(users, async () => {
        const input = userInputOf(params, params.userId());
        await users.create({ ...input, name: input.name ?? '' });
        return { message: SuccessTexts.userCreated };
      });
    },
  },
  {
    name: 'updateuser',
    title: 'Update a user',
    section: 'User',
    summary:
      'Updates a user; absent fields keep their values. The login and the password change together. lock, when given, must match (optimistic concurrency).',
    urlId: 'id',
    parameters: [
      P.userId,
      ...USER_FIELDS,
      { name: 'isLocked', type: 'boolean', description: 'Locks the user out.' },
      { name: 'externalLogins', type: 'array', items: 'object', description: 'External accounts (replace them all); an account sent back with its id keeps its credential.' },
      { name: 'lock', type: 'guid', description: 'The Lock read with the user (a Waymark 0.1 client may send the number it read).' },
    ],
    data: 'null',
    async run(params, { users }) {
      return userOperation(users, async () => {
        const input = userInputOf(params, params.userId());
        await users.update(input, await expectedLock(params, users, input.id));
        return {};
      });
    },
  },
  {
    name: 'deleteuser',
    title: 'Delete a user',
    section: 'User',
    summary: 'Deletes a user.',
    urlId: 'id',
    parameters: [P.userId],
    data: 'null; message "User was deleted."',
    async run(params, { users }) {
      return userOperation(users, async () => {
        await users.delete(params.userId());
        return { message: SuccessTexts.userDeleted };
      });
    },
  },
  {
    name: 'addusertorole',
    title: 'Add a user to a role',
    section: 'User',
    summary: 'Gives a user a role (admin is refused: it is given in the admin panel only).',
    urlId: 'id',
    parameters: [P.userId, { name: 'roleName', type: 'string', required: true, description: 'The role.' }],
    data: 'null; message "User was added to role."',
    async run(params, { users }) {
      return userOperation(users, async () => {
        await users.addToRole(params.userId(), params.requiredString('roleName'));
        return { message: SuccessTexts.userAddedToRole };
      });
    },
  },
  {
    name: 'removeuserfromrole',
    title: 'Remove a user from a role',
    section: 'User',
    summary: 'Takes a role from a user (admin is refused).',
    urlId: 'id',
    parameters: [P.userId, { name: 'roleName', type: 'string', required: true, description: 'The role.' }],
    data: 'null; message "User was removed from role."',
    async run(params, { users }) {
      return userOperation(users, async () => {
        await users.removeFromRole(params.userId(), params.requiredString('roleName'));
        return { message: SuccessTexts.userRemovedFromRole };
      });
    },
  },
  {
    name: 'deletecredential',
    title: "Delete a user's credential",
    section: 'User',
    summary:
      "Removes a credential by its id (a user's Credentials[].Id in getusers): an external account, or the password together with the user's login.",
    urlId: 'id',
    parameters: [
      { name: 'id', type: 'guid', required: true, description: 'The credential id (goes in the URL).' },
      { name: 'userId', type: 'guid', description: 'When given, the credential must be this user\'s.' },
    ],
    data: 'null',
    async run(params, { users }) {
      return userOperation(users, async () => {
        await users.deleteCredential(params.userId(), params.string('userId'));
        return {};
      });
    },
  },
  {
    name: 'getformbyflow',
    title: 'Get a form for a process',
    section: 'Other',
    summary: "A named form for a process: the form of its current state, else the scheme's form of that name.",
    urlId: 'name',
    parameters: [
      { name: 'name', type: 'string', required: true, description: 'The form name (goes in the URL).' },
      { ...P.processId, required: false },
      { ...P.schemeCode, description: 'Without processId: the scheme whose form to take.' },
      P.identityId,
      P.tenantId,
    ],
    data: '{ Name, Source }',
    async run(params, { forms }) {
      const processId = params.optionalProcessId();
      const schemeCode = params.string('schemeCode');
      const form = await forms.getForFlow({
        name: params.requiredString('name', ErrorTexts.formNameRequired),
        scope: scopeOf(params),
        ...(processId === undefined ? {} : { processId }),
        ...(schemeCode === undefined ? {} : { schemeCode }),
      });
      return { data: formShape(form) };
    },
  },
  {
    name: 'getschememodel',
    title: 'Get a scheme model',
    section: 'Other',
    summary:
      "A scheme as the vendor's JSON scheme model: the latest version of schemeCode (or the given version), or the version a process runs.",
    urlId: 'schemeCode',
    parameters: [
      { name: 'schemeCode', type: 'string', description: 'The scheme code (goes in the URL); not needed with processId.' },
      { name: 'version', type: 'integer', description: 'With schemeCode: this version instead of the latest.' },
      { ...P.processId, required: false, description: 'The scheme version this process instance runs.' },
      P.tenantId,
    ],
    data: 'SchemeModel { Id, Name, Actors, Parameters, Commands, Timers, Activities, Transitions, Localization, Tags, IsObsolete, … }',
    async run(params, { workflow }) {
      const stored = await schemeForModel(params, workflow);
      const latest = await workflow.getScheme(stored.code);
      return { data: schemeModel(stored, latest.version > stored.version) };
    },
  },
  {
    name: 'getschemelist',
    title: 'List scheme codes',
    section: 'Other',
    summary: 'Codes of the stored schemes, optionally only those with one of the tags.',
    urlId: 'processId',
    parameters: [{ name: 'tags', type: 'array', description: 'Tags (array, JSON text or comma-separated).' }],
    data: 'string[]',
    async run(params, { workflow }) {
      return { data: await workflow.listSchemeCodes(params.stringList('tags') ?? []) };
    },
  },
];

/**
 * updateuser's `lock` as the stored stamp. The client sends back the GUID it read (`User.Lock`,
 * derived from the stamp); a Waymark 0.1 client the number it read.
 */
async function expectedLock(params: RequestParameters, users: UserService, userId: string): Promise<number | undefined> {
  const given = params.raw('lock');
  if (!isGuid(given)) return params.count('lock');
  const current = await users.get(userId);
  if (given.toLowerCase() !== userLockGuid(current.id, current.lock)) {
    throw new WaymarkError('WM_LOCK_CONFLICT', `User ${userId} was changed by someone else since it was read; read it again and retry`, { userId });
  }
  return current.lock;
}

async function schemeForModel(params: RequestParameters, workflow: WorkflowService): Promise<StoredScheme> {
  const processId = params.optionalProcessId();
  if (processId !== undefined) {
    const instance = await workflow.getInstance(processId, scopeOf(params));
    return workflow.getScheme(instance.schemeCode, instance.schemeVersion);
  }
  const schemeCode = params.string('schemeCode');
  if (schemeCode === undefined) throw new WaymarkError('WM_INPUT_MISSING', ErrorTexts.schemeCodeRequired, { field: 'schemeCode' });
  return workflow.getScheme(schemeCode, params.count('version'));
}

function folderFilter(params: RequestParameters): { processId?: string; identityId?: string } {
  const processId = params.optionalProcessId();
  const identityId = params.string('identityId');
  return { ...(processId === undefined ? {} : { processId }), ...(identityId === undefined ? {} : { identityId }) };
}

/** Operations by lower-cased name. */
export const OPERATIONS_BY_NAME: ReadonlyMap<string, Operation> = new Map(OPERATIONS.map((op) => [op.name, op]));
