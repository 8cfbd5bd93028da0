import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { preprocess, VERIFIED_VALIDATOR_VERSION } from '../../../src/server/validation/internals';
import { validatorOptions } from '../../../src/server/validation/options';

/** The version npm installed, read from the package's own manifest. */
function installedValidatorVersion(): string {
  const manifest = join(require.resolve('express-openapi-validator'), '..', '..', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

describe('express-openapi-validator internals', () => {
  it('are used only with the validator version they were verified against', () => {
    const installed = installedValidatorVersion();
    if (installed !== VERIFIED_VALIDATOR_VERSION) {
      throw new Error(
        `express-openapi-validator ${installed} is installed, but src/server/validation/internals.ts was verified against ${VERIFIED_VALIDATOR_VERSION}. ` +
        'Re-check in the new version: normalizeOptions/the OpenApiValidator constructor (normalize() copies it), AjvOptions, ' +
        'SchemaPreprocessor.preProcess and createRequestAjv/createResponseAjv (same paths under dist/, same signatures); ' +
        'then run the fast-path differential test (test/server/validation/fast-path.test.ts) and set VERIFIED_VALIDATOR_VERSION.',
      );
    }
    expect(installed).toBe(VERIFIED_VALIDATOR_VERSION);
  });

  it('preprocess the spec into request and response copies with their own Ajv', () => {
    const spec = preprocess({ ...(validatorOptions() as unknown as Record<string, unknown>), validateResponses: true });
    expect(Object.keys(spec.apiDoc.paths as object)).toContain('/unified/mdm/users/{id}');
    expect(spec.apiDocRes).not.toBeNull();
    const check = spec.bodyAjv.compile({ type: 'object', required: ['name'], properties: { name: { type: 'string' } } });
    expect([check({ name: 'x' }), check({})]).toEqual([true, false]);
    expect(preprocess(validatorOptions() as unknown as Record<string, unknown>).responseAjv).toBeNull();
  });
});
