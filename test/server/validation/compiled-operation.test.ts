import { compileOperation } from '../../../src/server/validation/compiled-operation';

describe('compileOperation', () => {
  const operation = compileOperation('/unified/mdm/users/{id}', 'patch', true);

  it('knows the query parameters and which of them are arrays', () => {
    expect([...operation.known].sort()).toEqual(['integrated_account_id', 'remote_query', 'truto_exclude_fields', 'truto_ignore_remote_data', 'truto_response_format']);
    expect([...operation.arrays]).toEqual(['truto_exclude_fields']);
  });

  it('checks parameters, coercing text as the validator does, and refuses unknown ones', () => {
    const id = '62f44730-dd91-461e-bd6a-aedd9e0ad79d';
    expect(operation.checkParams({ query: { integrated_account_id: id, truto_ignore_remote_data: 'true' }, params: { id: '1' }, headers: {} })).toBe(true);
    expect(operation.checkParams({ query: { integrated_account_id: id, nope: 'x' }, params: { id: '1' }, headers: {} })).toBe(false);
    expect(operation.checkParams({ query: {}, params: { id: '1' }, headers: {} })).toBe(false);
  });

  it('checks the body against the request schema', () => {
    expect(operation.checkBody({ name: 'jdoe' })).toBe(true);
    expect(operation.checkBody({ emails: [] })).toBe(false);
  });

  it('compiles one response check per status and JSON media type, none when responses are off', () => {
    expect(operation.responseChecks.has('200 application/json')).toBe(true);
    expect(operation.responseChecks.has('404 application/json')).toBe(true);
    expect(operation.responseChecks.get('200 application/json')?.({ id: '1', name: 'x' })).toBe(true);
    expect(compileOperation('/unified/mdm/users/{id}', 'patch', false).responseChecks.size).toBe(0);
  });
});
