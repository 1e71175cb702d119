/**
 * The one rule for a command's params against the actuator's parameter schema (the JSON Schema subset in
 * farm-api.ts): the gateway refuses with it (422), the core checks with it before a command enters the
 * ledger, and the renderer's form uses `valueProblem` for each field. Every reason is returned, so the
 * operator learns everything to fix at once.
 */
import type { ParamSchema, ParamValue } from './farm-api.ts';

export type Params = Record<string, ParamValue>;

export type ParamCheck = { ok: true; params: Params } | { ok: false; reasons: string[] };

export function checkParams(schema: ParamSchema, params: Params): ParamCheck {
  const reasons: string[] = [];
  const out: Params = {};
  for (const [name, value] of Object.entries(params)) {
    const prop = Object.hasOwn(schema.properties, name) ? schema.properties[name] : undefined;
    if (!prop) {
      reasons.push(`unknown parameter "${name}"`);
      continue;
    }
    const problem = valueProblem(prop, value);
    if (problem) {
      reasons.push(`${name} = ${JSON.stringify(value)} ${problem.text}`);
      continue;
    }
    out[name] = value;
  }
  for (const name of schema.required) {
    if (!Object.hasOwn(params, name)) reasons.push(`missing required parameter "${name}"`);
  }
  for (const [name, prop] of Object.entries(schema.properties)) {
    const d = prop.default;
    if (!Object.hasOwn(out, name) && !Object.hasOwn(params, name) && isParamValue(d)) out[name] = d;
  }
  return reasons.length > 0 ? { ok: false, reasons } : { ok: true, params: out };
}

function isParamValue(v: unknown): v is ParamValue {
  return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';
}

type ParamProperty = ParamSchema['properties'][string];

/** What is wrong with one value: a stable code (the form words it per language) and English text. */
export type ValueProblem =
  | { code: 'integer' | 'number' | 'boolean' | 'string' | 'enum'; text: string }
  | { code: 'min' | 'max'; limit: number; text: string };

export function valueProblem(
  prop: Pick<ParamProperty, 'type' | 'minimum' | 'maximum' | 'enum' | 'unit'>,
  value: ParamValue,
): ValueProblem | undefined {
  switch (prop.type) {
    case 'integer':
      // Not a number at all is `number` (the form says "enter a number"); a fraction is `integer`.
      if (typeof value !== 'number' || !Number.isFinite(value))
        return { code: 'number', text: 'must be a whole number' };
      if (!Number.isInteger(value)) return { code: 'integer', text: 'must be a whole number' };
      break;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value))
        return { code: 'number', text: 'must be a number' };
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return { code: 'boolean', text: 'must be true or false' };
      break;
    case 'string':
      if (typeof value !== 'string') return { code: 'string', text: 'must be a string' };
      break;
  }
  const unit = prop.unit ? ` ${prop.unit}` : '';
  if (typeof value === 'number') {
    if (prop.minimum !== undefined && value < prop.minimum)
      return { code: 'min', limit: prop.minimum, text: `is below the minimum ${prop.minimum}${unit}` };
    if (prop.maximum !== undefined && value > prop.maximum)
      return { code: 'max', limit: prop.maximum, text: `is above the maximum ${prop.maximum}${unit}` };
  }
  if (prop.enum && (typeof value === 'boolean' || !prop.enum.includes(value))) {
    return { code: 'enum', text: `is not one of ${prop.enum.map((e) => JSON.stringify(e)).join(', ')}` };
  }
  return undefined;
}
