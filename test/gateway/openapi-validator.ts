/** Validates real responses against the committed docs/openapi/farm-api.json with ajv (JSON Schema 2020-12). */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

type Doc = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> }>
  >;
};

export const openApiDoc = JSON.parse(
  readFileSync(new URL('../../docs/openapi/farm-api.json', import.meta.url), 'utf8'),
) as Doc & Record<string, unknown>;

const ajv = new Ajv2020({ strict: false, allErrors: true });
const addFormats = addFormatsModule as unknown as (a: Ajv2020) => void;
addFormats(ajv);
ajv.addSchema(openApiDoc, 'farm-api.json');

export function schemaErrors(ref: string, body: unknown): string | null {
  const validate = ajv.getSchema(`farm-api.json${ref}`);
  if (!validate) throw new Error(`no schema ${ref}`);
  return validate(body) ? null : ajv.errorsText(validate.errors);
}

/** Errors (or null) of `body` against the documented response of `method path` with `status`. */
export function responseErrors(path: string, method: string, status: number, body: unknown): string | null {
  const op = openApiDoc.paths[path]?.[method.toLowerCase()];
  if (!op) throw new Error(`undocumented operation ${method} ${path}`);
  const response = op.responses[String(status)];
  if (!response) return `status ${status} is not documented for ${method} ${path}`;
  const ref = response.content?.['application/json']?.schema.$ref;
  if (!ref) throw new Error(`no JSON schema for ${method} ${path} ${status}`);
  return schemaErrors(ref.slice(ref.indexOf('#')), body);
}
