/**
 * What a reader of the docs page must find, read from the spec itself (so the docs tests follow the
 * spec as it changes): the operation, its parameters, the body's and each 200 shape's fields, the
 * error responses.
 */
import { loadSpec, resolveRef } from '../../src/server/spec';

type Obj = Record<string, unknown>;
const spec = loadSpec();

/** Follows local `$ref`s (`#/components/...`) to the object they name. */
export function deref(node: unknown): Obj {
  return resolveRef(spec, node);
}

const operation = deref(((spec.paths as Obj)['/unified/mdm/users/{id}'] as Obj).patch);

export const OPERATION = {
  id: String(operation.operationId),
  summary: String(operation.summary),
  method: 'PATCH',
  path: '/unified/mdm/users/{id}',
};

/** Every parameter of the operation: name and where it goes. */
export const PARAMETERS = (operation.parameters as unknown[]).map(deref).map((p) => ({ name: String(p.name), in: String(p.in) }));

/**
 * The fields of a schema as the page names them: its own properties, then, `depth` levels down, those
 * of properties that are objects (`parent.child`) or arrays of objects (`parent[].child`), given
 * directly or by `$ref` (not those behind oneOf/anyOf, which the page shows one variant at a time).
 */
export function fieldNames(schemaNode: unknown, depth = 1, prefix = ''): string[] {
  const schema = deref(schemaNode);
  const props = (schema.properties ?? {}) as Record<string, unknown>;
  const names: string[] = [];
  for (const [name, child] of Object.entries(props)) {
    names.push(`${prefix}${name}`);
    if (depth <= 0) continue;
    const inner = deref(child);
    if (inner.items !== undefined && deref(inner.items).properties) names.push(...fieldNames(inner.items, depth - 1, `${prefix}${name}[].`));
    else if (inner.properties) names.push(...fieldNames(inner, depth - 1, `${prefix}${name}.`));
  }
  return [...new Set(names)];
}

export const BODY_FIELDS = fieldNames(
  ((deref(operation.requestBody).content as Obj)['application/json'] as Obj).schema,
);

const responses = operation.responses as Record<string, unknown>;
const okSchema = deref((((deref(responses['200']).content as Obj)['application/json'] as Obj).schema));

/** The 200 JSON shapes (anyOf variants) by title, each with its fields. */
export const OK_SHAPES = ((okSchema.anyOf ?? okSchema.oneOf ?? [okSchema]) as unknown[]).map((variant) => {
  const schema = deref(variant);
  const ref = (variant as Obj).$ref;
  const title = typeof schema.title === 'string' ? schema.title : String(ref).split('/').pop();
  return { title: String(title), fields: fieldNames(variant) };
});

/** Every error status with the start of its description and the fields of its JSON body. */
export const ERROR_RESPONSES = Object.entries(responses)
  .filter(([status]) => Number(status) >= 400)
  .map(([status, node]) => {
    const response = deref(node);
    const json = ((response.content ?? {}) as Obj)['application/json'] as Obj | undefined;
    return { status, descriptionStart: plainStart(String(response.description)), fields: json ? fieldNames(json.schema, 0) : [] };
  });

/** The start of a Markdown description as a browser shows it: code marks and bold marks gone, spaces collapsed. */
export function plainStart(markdown: string, length = 40): string {
  return markdown.replace(/`|\*\*/g, '').replace(/\s+/g, ' ').trim().slice(0, length);
}
