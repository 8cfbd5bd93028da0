import { loadSpec, resolveRef } from '../../src/server/spec';

type Obj = Record<string, unknown>;
const spec = loadSpec();

const deref = (node: unknown): Obj => resolveRef(spec, node);
const operation = deref(((spec.paths as Obj)['/unified/mdm/users/{id}'] as Obj).patch);
const parameters = (operation.parameters as unknown[]).map(deref);
const param = (name: string) => parameters.find((p) => p.name === name) as Obj;
const schemas = (spec.components as Obj).schemas as Record<string, Obj>;

describe('the spec covers the contract', () => {
  it('is PATCH /unified/mdm/users/{id}, operationId updateMdmUser, bearer-secured', () => {
    expect(operation.operationId).toBe('updateMdmUser');
    expect(spec.security).toEqual([{ bearerAuth: [] }]);
    expect(deref(((spec.components as Obj).securitySchemes as Obj).bearerAuth)).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it.each([
    { name: 'id', in: 'path', required: true, type: 'string', example: '23423523' },
    { name: 'integrated_account_id', in: 'query', required: true, type: 'string', format: 'uuid', example: '62f44730-dd91-461e-bd6a-aedd9e0ad79d' },
    { name: 'truto_response_format', in: 'query', required: false, type: 'string', enum: ['unified', 'raw', 'normalized', 'stream'], default: 'unified', example: 'unified' },
    { name: 'truto_ignore_remote_data', in: 'query', required: false, type: 'boolean' },
    { name: 'truto_exclude_fields', in: 'query', required: false, type: 'array', style: 'form', explode: true },
    { name: 'remote_query', in: 'query', required: false, type: 'object', style: 'deepObject', explode: true, example: { foo: 'bar' } },
  ])('has the parameter $name as the contract gives it', (want) => {
    const p = param(want.name);
    expect(p).toBeDefined();
    expect(p.in).toBe(want.in);
    expect(p.required ?? false).toBe(want.required);
    expect(typeof p.description === 'string' && p.description.length > 40).toBe(true);
    const schema = p.schema as Obj;
    expect(schema.type).toBe(want.type);
    if (want.format) expect(schema.format).toBe(want.format);
    if (want.enum) expect(schema.enum).toEqual(want.enum);
    if (want.default) expect(schema.default).toBe(want.default);
    if (want.style) expect([p.style, p.explode]).toEqual([want.style, want.explode]);
    if (want.example !== undefined) expect(p.example).toEqual(want.example);
    expect(want.name).not.toMatch(/[[\]]/);
    expect(schema).not.toHaveProperty('additionalProperties');
  });

  it('gives truto_exclude_fields the reference\'s own example, in its bracket form (a renderer would write an example value in the repeated form)', () => {
    const p = param('truto_exclude_fields');
    expect(p.description).toMatch(/Example: `truto_exclude_fields\[\]=id&truto_exclude_fields\[\]=name`/);
    expect(p).not.toHaveProperty('example');
  });

  it('has the reference request body as its first request example, exactly', () => {
    const examples = ((operation.requestBody as Obj).content as Record<string, Obj>)['application/json']?.examples as Record<string, { value: unknown }>;
    expect(Object.values(examples)[0]?.value).toEqual({ name: 'jdoe2', emails: [{ email: 'john.doe@example.com', type: 'work', is_primary: true }] });
  });

  it('has the body fields name (required), emails and remote_data, described', () => {
    const body = deref(((operation.requestBody as Obj).content as Obj)['application/json'] as Obj & { schema: Obj });
    const schema = deref(body.schema);
    expect(schema.required).toEqual(['name']);
    const props = schema.properties as Record<string, Obj>;
    expect(Object.keys(props)).toEqual(['name', 'emails', 'remote_data']);
    for (const p of Object.values(props)) expect(typeof p.description).toBe('string');
    const email = deref((props.emails as Obj).items);
    expect(Object.keys(email.properties as Obj)).toEqual(['email', 'type', 'is_primary']);
    for (const p of Object.values(email.properties as Record<string, Obj>)) expect(typeof p.description).toBe('string');
  });

  it('has every field of the unified user, typed and described', () => {
    const user = schemas.User as Obj;
    const props = user.properties as Record<string, Obj>;
    expect(Object.keys(props)).toEqual(['id', 'name', 'first_name', 'last_name', 'emails', 'organization', 'is_active', 'avatar', 'created_at', 'updated_at', 'remote_data']);
    expect(user.required).toEqual(['id', 'name']);
    for (const [name, p] of Object.entries(props)) {
      expect([name, typeof deref(p).description]).toEqual([name, 'string']);
    }
    expect(props.created_at).toMatchObject({ type: 'string', format: 'date-time' });
    expect(props.avatar).toMatchObject({ type: 'string', format: 'uri' });
    expect(Object.keys(schemas.NormalizedUser?.properties as Obj)).toEqual(Object.keys(props));
  });

  it('describes the four response formats with their own media types', () => {
    const content = ((operation.responses as Obj)['200'] as Obj).content as Obj;
    expect(Object.keys(content)).toEqual(['application/json', 'application/vnd.mdm-users.raw+json', 'text/xml', 'application/xml']);
  });

  it.each(['400', '401', '403', '404', '408', '409', '413', '415', '422', '429', '431', '500', '502', '503', '504'])('answers %s with the shared error envelope', (status) => {
    const response = (operation.responses as Obj)[status] as Obj;
    expect(response.$ref).toMatch(/^#\/components\/responses\//);
    const schema = (((deref(response).content as Obj)['application/json'] as Obj).schema as Obj);
    expect(schema.$ref).toBe('#/components/schemas/Error');
  });

  it('has an envelope with statusCode, error, message and the remote-error fields', () => {
    expect(schemas.Error?.required).toEqual(['statusCode', 'error', 'message']);
    expect(Object.keys(schemas.Error?.properties as Obj)).toEqual(expect.arrayContaining(['truto_is_remote_error', 'raw_response', 'errors']));
  });
});
