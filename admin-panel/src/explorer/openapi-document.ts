/**
 * The parts of an OpenAPI 3.1 document the explorer reads. The server publishes two:
 * `/openapi/workflowapi.json` and `/openapi/api-v1.json`; both are trusted server output, but
 * every field is still read defensively (a missing one gives an empty value, never a crash).
 */

/** A JSON Schema as OpenAPI 3.1 carries it, with Waymark's `x-waymark-…` editor hints. */
export interface SchemaObject {
  readonly type?: string | readonly string[];
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly items?: SchemaObject;
  readonly oneOf?: readonly SchemaObject[];
  readonly properties?: Readonly<Record<string, SchemaObject>>;
  readonly required?: readonly string[];
  readonly description?: string;
  readonly 'x-waymark-editor'?: string;
  readonly 'x-waymark-choices'?: string;
  readonly 'x-waymark-generate'?: string;
  readonly 'x-waymark-load'?: { readonly operation?: string; readonly with?: readonly string[]; readonly value?: string; readonly label?: string };
}

/** One parameter of an operation. */
export interface ParameterObject {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required?: boolean;
  readonly description?: string;
  readonly schema?: SchemaObject;
}

/** One operation (a method of a path). */
export interface OperationObject {
  readonly operationId?: string;
  readonly tags?: readonly string[];
  readonly summary?: string;
  readonly description?: string;
  readonly parameters?: readonly ParameterObject[];
  readonly requestBody?: { readonly required?: boolean; readonly content?: Readonly<Record<string, { readonly schema?: SchemaObject }>> };
  readonly security?: readonly Readonly<Record<string, readonly string[]>>[];
  readonly 'x-waymark-operation'?: string;
  readonly 'x-waymark-url-forms'?: readonly string[];
  readonly 'x-waymark-url-id'?: string;
}

/** The document. */
export interface OpenApiDocument {
  readonly openapi?: string;
  readonly info?: { readonly title?: string };
  readonly tags?: readonly { readonly name: string; readonly description?: string }[];
  readonly paths?: Readonly<Record<string, Readonly<Record<string, OperationObject>>>>;
  readonly security?: readonly Readonly<Record<string, readonly string[]>>[];
  readonly components?: { readonly securitySchemes?: Readonly<Record<string, { readonly type?: string; readonly scheme?: string }>> };
}

/** The HTTP methods an OpenAPI path item may hold, in the order they are listed. */
export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
/** One of {@link HTTP_METHODS}. */
export type HttpMethod = (typeof HTTP_METHODS)[number];
