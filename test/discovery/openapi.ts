/** Validate real registry responses against docs/openapi/discovery-api.json with ajv (draft 2020-12). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { CallResult } from './helpers.ts';

const doc = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../docs/openapi/discovery-api.json', import.meta.url)), 'utf8'),
) as {
  paths: Record<string, Record<string, { responses: Record<string, { $ref?: string; content?: unknown }> }>>;
  components: { responses: Record<string, { content: { 'application/json': { schema: unknown } } }> };
};

const ajv = new Ajv2020({ strict: false, allErrors: true });
// ajv-formats ships CommonJS; its default export lands on `.default` under ESM interop.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  a: Ajv2020,
) => void;
addFormats(ajv);
ajv.addSchema(doc, 'openapi');

const cache = new Map<string, ReturnType<typeof ajv.compile>>();

/** Throws with ajv's errors unless `res` is a documented response of `method pathTemplate`. */
export function assertDocumented(pathTemplate: string, method: string, res: CallResult): void {
  const op = doc.paths[pathTemplate]?.[method.toLowerCase()];
  if (!op) throw new Error(`${method} ${pathTemplate} is not in the OpenAPI document`);
  const response = op.responses[String(res.status)];
  if (!response)
    throw new Error(`${method} ${pathTemplate} → ${res.status} is not documented: ${res.text.slice(0, 300)}`);
  const key = `${pathTemplate} ${method} ${res.status}`;
  let validate = cache.get(key);
  if (!validate) {
    const ref = response.$ref;
    const resolved = ref
      ? doc.components.responses[ref.split('/').pop()!]
      : (response as { content: { 'application/json': { schema: unknown } } });
    const schema = resolved!.content['application/json'].schema as { $ref?: string };
    validate = ajv.compile(schema.$ref ? { $ref: `openapi${schema.$ref}` } : schema);
    cache.set(key, validate);
  }
  if (!String(res.headers['content-type'] ?? '').startsWith('application/json')) {
    throw new Error(`${key}: content-type is ${String(res.headers['content-type'])}`);
  }
  if (!validate(res.body)) {
    throw new Error(
      `${key} does not match the OpenAPI document: ${ajv.errorsText(validate.errors)}\n${res.text.slice(0, 500)}`,
    );
  }
}
