import { describe, expect, it } from 'vitest';
import { groupOperations, referencedSchemas, resolveSchema, schemaLabel, type OpenApiDocument } from './openapi';

const doc: OpenApiDocument = {
  openapi: '3.1.0',
  info: { title: 'Marketplace', version: '1.0.0' },
  tags: [{ name: 'auth', description: 'Sign-in' }, { name: 'unused' }],
  paths: {
    '/api/me': { get: { tags: ['account'], summary: 'Me', responses: { '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Me' } } } } } } },
    '/api/auth/login': { post: { tags: ['auth'], operationId: 'login', summary: 'Login' } },
    '/api/organisations/{id}': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
      get: { tags: ['account'], parameters: [{ name: 'id', in: 'path', required: true, description: 'override' }] },
      delete: { tags: ['account'] },
    },
    '/healthz': { get: { summary: 'Health' } },
  },
  components: {
    schemas: {
      Me: { type: 'object', properties: { organisations: { type: 'array', items: { $ref: '#/components/schemas/MeOrg' } } } },
      MeOrg: { type: 'object' },
    },
  },
};

describe('groupOperations', () => {
  it('orders declared tags first, then others, then untagged; drops empty tags', () => {
    const groups = groupOperations(doc);
    expect(groups.map((g) => g.tag)).toEqual(['auth', 'account', 'default']);
    expect(groups[0]!.description).toBe('Sign-in');
    expect(groups[1]!.operations.map((o) => `${o.method} ${o.path}`)).toEqual([
      'get /api/me',
      'get /api/organisations/{id}',
      'delete /api/organisations/{id}',
    ]);
    expect(groups[2]!.operations[0]!.path).toBe('/healthz');
  });
  it('merges path-level and operation-level parameters (operation wins)', () => {
    const account = groupOperations(doc)[1]!;
    expect(account.operations[1]!.parameters).toEqual([{ name: 'id', in: 'path', required: true, description: 'override' }]);
    expect(account.operations[2]!.parameters[0]!.schema).toEqual({ type: 'integer' });
  });
  it('copes with a document without paths', () => {
    expect(groupOperations({ openapi: '3.1.0', info: { title: 't', version: '1' } })).toEqual([]);
  });
});

describe('schema helpers', () => {
  it('labels schemas', () => {
    expect(schemaLabel({ $ref: '#/components/schemas/Me' })).toBe('Me');
    expect(schemaLabel({ type: 'array', items: { $ref: '#/components/schemas/Organisation' } })).toBe('Organisation[]');
    expect(schemaLabel({ anyOf: [{ type: 'string' }, { type: 'null' }] })).toBe('string | null');
    expect(schemaLabel({ type: ['integer', 'null'] })).toBe('integer | null');
    expect(schemaLabel(undefined)).toBe('—');
  });
  it('finds referenced component schemas and resolves refs', () => {
    expect([...referencedSchemas(doc.components!.schemas!.Me)]).toEqual(['MeOrg']);
    expect(resolveSchema(doc, { $ref: '#/components/schemas/MeOrg' })).toEqual({ type: 'object' });
    expect(resolveSchema(doc, { $ref: '#/components/schemas/Nope' })).toEqual({ $ref: '#/components/schemas/Nope' });
  });
});
