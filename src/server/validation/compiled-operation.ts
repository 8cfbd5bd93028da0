import { resolveRef as resolve } from '../spec';
import { preprocess, type Check } from './internals';
import { validatorOptions } from './options';

type Json = Record<string, unknown>;

/** A parameter of the operation, as the spec declares it. */
export interface Parameter { name: string; in: 'query' | 'path' | 'header'; required?: boolean; schema: Json }

/** One operation's schemas compiled once, with the validator's own preprocessing and Ajv. */
export interface CompiledOperation {
  parameters: Parameter[];
  /** Query parameters the operation declares. */
  known: Set<string>;
  /** Query parameters of array type. */
  arrays: Set<string>;
  /** `{query, params, headers}` against the parameters (coercing text). */
  checkParams: Check;
  /** The JSON body. */
  checkBody: Check;
  /** Response checks by `"<status> <media type>"`, JSON media types only. */
  responseChecks: Map<string, Check>;
}

/** The operation's `{query, params, headers}` as one object schema. */
function parametersSchema(parameters: Parameter[]): Json {
  const group = (where: Parameter['in'], key: (name: string) => string): Json => ({
    type: 'object',
    properties: Object.fromEntries(parameters.filter((p) => p.in === where).map((p) => [key(p.name), p.schema])),
    required: parameters.filter((p) => p.in === where && p.required).map((p) => key(p.name)),
  });
  return {
    type: 'object',
    properties: { query: { ...group('query', (n) => n), additionalProperties: false }, params: group('path', (n) => n), headers: group('header', (n) => n.toLowerCase()) },
  };
}

/** Response checks by status and JSON media type; each distinct schema compiled once (every error shares the envelope). */
function compileResponses(apiDocRes: Json, path: string, method: string, compiler: { compile(s: Json): Check }): Map<string, Check> {
  const checks = new Map<string, Check>();
  const compiled = new Map<string, Check>();
  const operation = ((apiDocRes.paths as Json)[path] as Json)[method] as Json;
  for (const [status, response] of Object.entries(operation.responses as Json)) {
    const content = (resolve<Json>(apiDocRes, response).content ?? {}) as Json;
    for (const [media, entry] of Object.entries(content)) {
      if (!/[/+]json$/.test(media)) continue;
      const schema = (entry as Json).schema as Json;
      const key = JSON.stringify(schema);
      let check = compiled.get(key);
      if (!check) {
        check = compiler.compile(schema);
        compiled.set(key, check);
      }
      checks.set(`${status} ${media}`, check);
    }
  }
  return checks;
}

/** Compiles the operation at `path`/`method` of the spec (responses too, unless `withResponses` is false). */
export function compileOperation(path: string, method: 'patch', withResponses: boolean): CompiledOperation {
  const spec = preprocess({ ...(validatorOptions() as unknown as Json), validateResponses: withResponses });
  const operation = ((spec.apiDoc.paths as Json)[path] as Json)[method] as Json;
  const parameters = (operation.parameters as unknown[]).map((p) => resolve<Parameter>(spec.apiDoc, p));
  const bodySchema = (((operation.requestBody as Json).content as Json)['application/json'] as Json).schema as Json;
  return {
    parameters,
    known: new Set(parameters.filter((p) => p.in === 'query').map((p) => p.name)),
    arrays: new Set(parameters.filter((p) => p.in === 'query' && resolve<Json>(spec.apiDoc, p.schema).type === 'array').map((p) => p.name)),
    checkParams: spec.paramsAjv.compile(parametersSchema(parameters)),
    checkBody: spec.bodyAjv.compile(bodySchema),
    responseChecks: spec.apiDocRes && spec.responseAjv ? compileResponses(spec.apiDocRes, path, method, spec.responseAjv) : new Map(),
  };
}
