import { loadSpec, resolveRef } from '../../src/server/spec';

type Obj = Record<string, unknown>;
const spec = loadSpec();
const deref = (node: unknown): Obj => resolveRef(spec, node);
const paths = spec.paths as Record<string, Obj>;

describe('the spec declares the operators\' routes and the backend header', () => {
  it('has /healthz, /readyz and /metrics under their own described tag, without a token', () => {
    const tag = (spec.tags as Obj[]).find((t) => t.name === 'Operations');
    expect(typeof tag?.description).toBe('string');
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      const get = paths[path]?.get as Obj;
      expect(get).toMatchObject({ tags: ['Operations'], security: [] });
      expect(Object.keys(get.responses as Obj)).toContain('200');
    }
  });

  it('declares the 503 of /readyz as the error envelope with Retry-After, and /metrics as Prometheus text', () => {
    const notReady = deref(((paths['/readyz']?.get as Obj).responses as Obj)['503']);
    expect(deref(((notReady.content as Obj)['application/json'] as Obj).schema)).toBe(deref({ $ref: '#/components/schemas/Error' }));
    expect(Object.keys(notReady.headers as Obj)).toEqual(['Retry-After']);
    expect(Object.keys((((paths['/metrics']?.get as Obj).responses as Obj)['200'] as Obj).content as Obj)).toEqual(['text/plain']);
  });

  it('declares X-Mdm-Backend on every answer of the update the app writes (not the 408/431 of the HTTP layer)', () => {
    const responses = (paths['/unified/mdm/users/{id}']?.patch as Obj).responses as Obj;
    const withHeader = Object.entries(responses).filter(([, r]) => Object.keys((deref(r).headers ?? {}) as Obj).includes('X-Mdm-Backend')).map(([code]) => code);
    expect(withHeader).toEqual(Object.keys(responses).filter((code) => code !== '408' && code !== '431'));
    expect(deref({ $ref: '#/components/headers/MdmBackend' })).toMatchObject({ schema: { type: 'string', enum: ['simulator'] } });
  });
});
