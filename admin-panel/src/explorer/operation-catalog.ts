/**
 * Turns the server's two OpenAPI documents into the explorer's operation list: one entry per
 * Workflow API operation (its POST form, which the vendor's panel sends too) and one per `/api/v1`
 * endpoint, each with typed fields and the editor hints. Nothing here knows an operation by name:
 * an operation added to the server shows up with no change to the panel.
 */
import { HTTP_METHODS, type OpenApiDocument, type OperationObject, type ParameterObject, type SchemaObject } from './openapi-document.js';

/** Which API an operation belongs to. */
export type ApiName = 'workflowapi' | 'api-v1';

/**
 * The editor a field gets. `any` takes JSON, or text when it is not JSON; `json` must be JSON;
 * `tags` is a list of texts; `process-parameters` is the Name / Value / Persist table.
 */
export type FieldKind =
  | 'text'
  | 'uuid'
  | 'email'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'date-time'
  | 'choice'
  | 'tags'
  | 'json'
  | 'any'
  | 'process-parameters';

/** Fills a field's list from another operation's answer (e.g. commands from getavailablecommands). */
export interface LoadHint {
  readonly operation: string;
  /** The form fields passed on to that operation. */
  readonly with: readonly string[];
  /** The property of each answered item that is the value, and the one shown. */
  readonly value: string;
  readonly label: string;
}

/** One field of an operation's form. */
export interface ExplorerField {
  readonly name: string;
  /** Where the value travels: the URL path, the query, a header or the JSON body. */
  readonly location: 'path' | 'query' | 'header' | 'body';
  readonly required: boolean;
  readonly description: string;
  readonly kind: FieldKind;
  /** The type as the parameter table shows it, e.g. `string (uuid)`, `array of string`. */
  readonly typeLabel: string;
  /** Allowed values: the options of a `choice`, the suggestions of `tags`. */
  readonly choices: readonly string[];
  /** A list of the stored scheme codes to choose from. */
  readonly storedSchemes: boolean;
  /** A Generate button that fills a new id. */
  readonly generate: boolean;
  readonly load?: LoadHint;
}

/** How a call is authorized: the Workflow API's token / OpenID Connect, an `/api/v1` bearer token, or nothing. */
export type OperationSecurity = 'workflow-api' | 'bearer' | 'none';

/** One operation the explorer offers. */
export interface ExplorerOperation {
  /** Its key in the explorer's URL: the Workflow API operation name, or `api-v1.<operationId>`. */
  readonly key: string;
  readonly api: ApiName;
  /** The operation's own name: `createinstance`, or the `/api/v1` operationId. */
  readonly name: string;
  /** One line. */
  readonly title: string;
  readonly description: string;
  /** The group it is listed under (its tag). */
  readonly group: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The path the explorer calls: `/workflowapi/<name>` (the id is appended), or an `/api/v1` template. */
  readonly path: string;
  /** The URL forms the server accepts, shown to the user. */
  readonly urlForms: readonly string[];
  /** Workflow API: the field the URL's second segment carries (`processId`, `id`, `name`). */
  readonly urlId?: string;
  readonly fields: readonly ExplorerField[];
  readonly security: OperationSecurity;
}

/** A named group of operations, in the order the documents give. */
export interface OperationGroup {
  readonly api: ApiName;
  readonly name: string;
  readonly operations: readonly ExplorerOperation[];
}

/** The documents the catalog is read from; either may be missing (e.g. while it loads). */
export interface ExplorerDocuments {
  readonly workflowApi?: OpenApiDocument;
  readonly apiV1?: OpenApiDocument;
}

/** The `/api/v1` keys carry this prefix so they never collide with Workflow API operation names. */
export const API_V1_KEY_PREFIX = 'api-v1.';

/** Every operation of both documents: the Workflow API's first, each in its document's order. */
export function catalogFromDocuments(documents: ExplorerDocuments): ExplorerOperation[] {
  return [
    ...(documents.workflowApi ? workflowApiOperations(documents.workflowApi) : []),
    ...(documents.apiV1 ? apiV1Operations(documents.apiV1) : []),
  ];
}

/**
 * The operations grouped by tag: groups in the order of the document's `tags` list (the vendor's
 * section order for the Workflow API), then any tag it does not list. With a search text, only
 * operations whose name, title, group or path contain every word of it (case-insensitive).
 */
export function groupOperations(operations: readonly ExplorerOperation[], documents: ExplorerDocuments, search = ''): OperationGroup[] {
  const words = search.toLowerCase().split(/\s+/).filter((word) => word.length > 0);
  const matches = (operation: ExplorerOperation) => {
    const text = `${operation.name} ${operation.title} ${operation.group} ${operation.method} ${operation.path}`.toLowerCase();
    return words.every((word) => text.includes(word));
  };
  const groups: OperationGroup[] = [];
  for (const api of ['workflowapi', 'api-v1'] as const) {
    const ofApi = operations.filter((operation) => operation.api === api && matches(operation));
    const document = api === 'workflowapi' ? documents.workflowApi : documents.apiV1;
    const order = [...(document?.tags ?? []).map((tag) => tag.name), ...ofApi.map((operation) => operation.group)];
    for (const name of new Set(order)) {
      const inGroup = ofApi.filter((operation) => operation.group === name);
      if (inGroup.length > 0) groups.push({ api, name, operations: inGroup });
    }
  }
  return groups;
}

/** The operation with this key (case-insensitive for Workflow API names, as the server is). */
export function findOperation(operations: readonly ExplorerOperation[], key: string): ExplorerOperation | undefined {
  return operations.find((operation) => operation.key === key) ?? operations.find((operation) => operation.key.toLowerCase() === key.toLowerCase());
}

function workflowApiOperations(document: OpenApiDocument): ExplorerOperation[] {
  const operations: ExplorerOperation[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    const post = item.post;
    if (!post) continue;
    const name = post['x-waymark-operation'] ?? post.operationId ?? path.split('/')[2] ?? path;
    const urlId = post['x-waymark-url-id'];
    const fields = [...parameterFields(post.parameters ?? []), ...bodyFields(post)];
    operations.push({
      key: name,
      api: 'workflowapi',
      name,
      title: post.summary ?? name,
      description: post.description ?? '',
      group: post.tags?.[0] ?? 'Other',
      method: 'POST',
      path: `/workflowapi/${name}`,
      urlForms: post['x-waymark-url-forms'] ?? [path],
      ...(urlId === undefined ? {} : { urlId }),
      // The URL id travels in the path whenever it is given (also where it is optional); the rest in the JSON body.
      fields: fields.map((field) => ({ ...field, location: field.name === urlId ? ('path' as const) : ('body' as const) })),
      security: 'workflow-api',
    });
  }
  return operations;
}

function apiV1Operations(document: OpenApiDocument): ExplorerOperation[] {
  const operations: ExplorerOperation[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const name = operation.operationId ?? `${method}${path}`;
      operations.push({
        key: `${API_V1_KEY_PREFIX}${name}`,
        api: 'api-v1',
        name,
        title: operation.summary ?? `${method.toUpperCase()} ${path}`,
        description: operation.description ?? '',
        group: operation.tags?.[0] ?? 'Other',
        method: method.toUpperCase() as ExplorerOperation['method'],
        path,
        urlForms: [`${method.toUpperCase()} ${path}`],
        fields: [...parameterFields(operation.parameters ?? []), ...bodyFields(operation)],
        security: needsBearer(operation, document) ? 'bearer' : 'none',
      });
    }
  }
  return operations;
}

function needsBearer(operation: OperationObject, document: OpenApiDocument): boolean {
  const requirements = operation.security ?? document.security ?? [];
  const schemes = document.components?.securitySchemes ?? {};
  return requirements.some((requirement) =>
    Object.keys(requirement).some((name) => schemes[name]?.type === 'http' && schemes[name]?.scheme?.toLowerCase() === 'bearer'),
  );
}

function parameterFields(parameters: readonly ParameterObject[]): ExplorerField[] {
  return parameters
    .filter((parameter): parameter is ParameterObject & { in: 'path' | 'query' | 'header' } => parameter.in !== 'cookie')
    .map((parameter) => fieldOf(parameter.name, parameter.in, parameter.required === true, parameter.schema ?? {}, parameter.description));
}

function bodyFields(operation: OperationObject): ExplorerField[] {
  const schema = operation.requestBody?.content?.['application/json']?.schema;
  if (!schema?.properties) return [];
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties).map(([name, property]) => fieldOf(name, 'body', required.has(name), property, property.description));
}

function fieldOf(name: string, location: ExplorerField['location'], required: boolean, schema: SchemaObject, description: string | undefined): ExplorerField {
  const { kind, typeLabel, choices } = kindOf(schema);
  const load = loadHintOf(schema);
  return {
    name,
    location,
    required,
    description: description ?? schema.description ?? '',
    kind,
    typeLabel,
    choices,
    storedSchemes: schema['x-waymark-choices'] === 'stored-schemes',
    generate: schema['x-waymark-generate'] === 'uuid',
    ...(load === undefined ? {} : { load }),
  };
}

function loadHintOf(schema: SchemaObject): LoadHint | undefined {
  const hint = schema['x-waymark-load'];
  if (!hint?.operation || !hint.value) return undefined;
  return { operation: hint.operation, with: hint.with ?? [], value: hint.value, label: hint.label ?? hint.value };
}

function primaryType(schema: SchemaObject): string | undefined {
  const type = schema.type;
  if (typeof type === 'string') return type;
  return type?.find((candidate) => candidate !== 'null');
}

function textChoices(values: readonly unknown[] | undefined): string[] {
  return (values ?? []).filter((value): value is string => typeof value === 'string');
}

function kindOf(schema: SchemaObject): { kind: FieldKind; typeLabel: string; choices: string[] } {
  if (schema['x-waymark-editor'] === 'process-parameters') {
    return { kind: 'process-parameters', typeLabel: 'array of {name, value, persist}', choices: [] };
  }
  const type = primaryType(schema);
  switch (type) {
    case 'integer':
      return { kind: 'integer', typeLabel: 'integer', choices: [] };
    case 'number':
      return { kind: 'number', typeLabel: 'number', choices: [] };
    case 'boolean':
      return { kind: 'boolean', typeLabel: 'boolean', choices: [] };
    case 'object':
      return { kind: 'json', typeLabel: 'object', choices: [] };
    case 'array': {
      const items = schema.items ?? {};
      const itemType = primaryType(items) ?? 'any';
      const itemLabel = items.format ? `${itemType} (${items.format})` : itemType;
      const textItems = itemType === 'string';
      return { kind: textItems ? 'tags' : 'json', typeLabel: `array of ${itemLabel}`, choices: textChoices(items.enum) };
    }
    case 'string': {
      const choices = textChoices(schema.enum);
      if (choices.length > 0) return { kind: 'choice', typeLabel: 'string', choices };
      switch (schema.format) {
        case 'uuid':
          return { kind: 'uuid', typeLabel: 'string (uuid)', choices: [] };
        case 'date-time':
          return { kind: 'date-time', typeLabel: 'string (date-time)', choices: [] };
        case 'email':
          return { kind: 'email', typeLabel: 'string (email)', choices: [] };
        default:
          return { kind: 'text', typeLabel: 'string', choices: [] };
      }
    }
    default:
      return { kind: 'any', typeLabel: 'any', choices: [] };
  }
}
