/** Just enough of OpenAPI 3.1 to render a reference page. */

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export type Schema = {
  $ref?: string;
  type?: string | string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  title?: string;
  [key: string]: unknown;
};

export interface MediaType {
  schema?: Schema;
}

export interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}

export interface Operation {
  tags?: string[];
  summary?: string;
  description?: string;
  operationId?: string;
  deprecated?: boolean;
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { required?: boolean; content?: Record<string, MediaType>; $ref?: string };
  responses?: Record<string, { description?: string; content?: Record<string, MediaType>; $ref?: string }>;
}

export type PathItem = Partial<Record<HttpMethod, Operation>> & { parameters?: Parameter[] };

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths?: Record<string, PathItem>;
  tags?: { name: string; description?: string }[];
  components?: { schemas?: Record<string, Schema> };
}

export interface OperationEntry {
  method: HttpMethod;
  path: string;
  operation: Operation;
  /** Parameters of the path item and the operation, merged. */
  parameters: Parameter[];
  /** Stable DOM id / key. */
  key: string;
}

export interface TagGroup {
  tag: string;
  description?: string;
  operations: OperationEntry[];
}

export const UNTAGGED = 'default';

function isParameter(p: unknown): p is Parameter {
  return typeof p === 'object' && p !== null && 'name' in p && 'in' in p;
}

/**
 * Groups operations by their first tag. Tags declared in `doc.tags` come
 * first in their declared order, other tags follow in order of appearance,
 * untagged operations go last under "default".
 */
export function groupOperations(doc: OpenApiDocument): TagGroup[] {
  const groups = new Map<string, TagGroup>();
  for (const t of doc.tags ?? []) groups.set(t.name, { tag: t.name, description: t.description, operations: [] });
  let untagged: TagGroup | null = null;

  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const params = new Map<string, Parameter>();
      for (const p of [...(item.parameters ?? []), ...(operation.parameters ?? [])]) {
        if (isParameter(p)) params.set(`${p.in}:${p.name}`, p);
      }
      const entry: OperationEntry = {
        method,
        path,
        operation,
        parameters: [...params.values()],
        key: operation.operationId ?? `${method}-${path}`.replace(/[^A-Za-z0-9_-]+/g, '-'),
      };
      const tag = operation.tags?.[0];
      if (!tag) {
        untagged ??= { tag: UNTAGGED, operations: [] };
        untagged.operations.push(entry);
        continue;
      }
      let group = groups.get(tag);
      if (!group) {
        group = { tag, operations: [] };
        groups.set(tag, group);
      }
      group.operations.push(entry);
    }
  }
  const out = [...groups.values()].filter((g) => g.operations.length > 0);
  if (untagged) out.push(untagged);
  return out;
}

/** "#/components/schemas/Me" → "Me". */
export function refName(ref: string): string {
  return ref.split('/').pop() ?? ref;
}

/** A short human label for a schema: "Me", "Organisation[]", "string | null". */
export function schemaLabel(schema: Schema | undefined): string {
  if (!schema) return '—';
  if (schema.$ref) return refName(schema.$ref);
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map(schemaLabel).join(' | ');
  if (schema.allOf && schema.allOf.length === 1) return schemaLabel(schema.allOf[0]);
  if (schema.type === 'array') return `${schemaLabel(schema.items)}[]`;
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  if (schema.title && !schema.type) return schema.title;
  return schema.type ?? (schema.title as string | undefined) ?? 'object';
}

/** Names of every component schema referenced (directly or nested) by a schema. */
export function referencedSchemas(schema: unknown, found: Set<string> = new Set()): Set<string> {
  if (Array.isArray(schema)) {
    schema.forEach((s) => referencedSchemas(s, found));
  } else if (typeof schema === 'object' && schema !== null) {
    for (const [k, v] of Object.entries(schema)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) found.add(refName(v));
      else referencedSchemas(v, found);
    }
  }
  return found;
}

/** The schema behind a `$ref` into components (or the schema itself). */
export function resolveSchema(doc: OpenApiDocument, schema: Schema | undefined): Schema | undefined {
  if (!schema?.$ref) return schema;
  return doc.components?.schemas?.[refName(schema.$ref)] ?? schema;
}
