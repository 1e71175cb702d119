/**
 * Checks a command's params against the actuator's parameter schema (the JSON Schema subset in
 * protocol/farm-api.ts). Returns every reason it fails, so the 422 tells the operator what to fix.
 */
import type { ParamSchema } from '../../protocol/farm-api.ts';

export type ParamValue = number | string | boolean;
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
    const label = `${name} = ${JSON.stringify(value)}`;
    switch (prop.type) {
      case 'integer':
        if (typeof value !== 'number' || !Number.isInteger(value)) {
          reasons.push(`${label} must be a whole number`);
          continue;
        }
        break;
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          reasons.push(`${label} must be a number`);
          continue;
        }
        break;
      case 'boolean':
        if (typeof value !== 'boolean') {
          reasons.push(`${label} must be true or false`);
          continue;
        }
        break;
      case 'string':
        if (typeof value !== 'string') {
          reasons.push(`${label} must be a string`);
          continue;
        }
        break;
    }
    const unit = prop.unit ? ` ${prop.unit}` : '';
    if (typeof value === 'number') {
      if (prop.minimum !== undefined && value < prop.minimum) {
        reasons.push(`${label} is below the minimum ${prop.minimum}${unit}`);
        continue;
      }
      if (prop.maximum !== undefined && value > prop.maximum) {
        reasons.push(`${label} is above the maximum ${prop.maximum}${unit}`);
        continue;
      }
    }
    if (prop.enum && !prop.enum.includes(value as string | number)) {
      reasons.push(`${label} is not one of ${prop.enum.map((e) => JSON.stringify(e)).join(', ')}`);
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
