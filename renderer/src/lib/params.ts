/**
 * The command form is generated from an actuator command's JSON-schema subset (numbers/integers with
 * bounds, enums, booleans, strings). Validation mirrors what the gateway will check, with messages per field.
 */
import type { ParamSchema } from '../../../protocol/farm-api.ts';
import type { MessageKey, Vars } from './i18n.ts';

export type ParamValue = number | string | boolean;

export interface ParamField {
  name: string;
  type: 'number' | 'integer' | 'boolean' | 'string';
  title: string;
  description?: string;
  unit?: string;
  minimum?: number;
  maximum?: number;
  options?: (string | number)[];
  required: boolean;
  /** The input's initial text (forms hold text; validation turns it into values). */
  initial: string;
}

export function fieldsOf(schema: ParamSchema): ParamField[] {
  const required = new Set(schema.required);
  return Object.entries(schema.properties).map(([name, p]) => {
    const field: ParamField = {
      name,
      type: p.type,
      title: p.title ?? name,
      required: required.has(name),
      initial: initialText(p.type, p.default, p.enum),
    };
    if (p.description !== undefined) field.description = p.description;
    if (p.unit !== undefined) field.unit = p.unit;
    if (p.minimum !== undefined) field.minimum = p.minimum;
    if (p.maximum !== undefined) field.maximum = p.maximum;
    if (p.enum !== undefined) field.options = p.enum;
    return field;
  });
}

function initialText(type: ParamField['type'], def: unknown, options?: (string | number)[]): string {
  if (type === 'boolean') return def === true ? 'true' : 'false';
  if (typeof def === 'number' || typeof def === 'string') return String(def);
  if (options && options.length > 0) return String(options[0]);
  return '';
}

export interface FieldError {
  key: MessageKey;
  vars?: Vars;
}

export interface Validation {
  values: Record<string, ParamValue>;
  errors: Record<string, FieldError>;
  ok: boolean;
}

export function validateParams(fields: readonly ParamField[], text: Record<string, string>): Validation {
  const values: Record<string, ParamValue> = {};
  const errors: Record<string, FieldError> = {};
  for (const f of fields) {
    const raw = (text[f.name] ?? f.initial).trim();
    if (f.type === 'boolean') {
      values[f.name] = raw === 'true';
      continue;
    }
    if (raw === '') {
      if (f.required) errors[f.name] = { key: 'fieldRequired' };
      continue;
    }
    if (f.type === 'string') {
      if (f.options && !f.options.map(String).includes(raw)) errors[f.name] = { key: 'fieldRequired' };
      else values[f.name] = raw;
      continue;
    }
    const n = Number(raw.replace(',', '.'));
    if (!Number.isFinite(n)) {
      errors[f.name] = { key: 'fieldNumber' };
      continue;
    }
    if (f.type === 'integer' && !Number.isInteger(n)) {
      errors[f.name] = { key: 'fieldInteger' };
      continue;
    }
    if (f.minimum !== undefined && n < f.minimum) {
      errors[f.name] = { key: 'fieldMin', vars: { min: f.minimum } };
      continue;
    }
    if (f.maximum !== undefined && n > f.maximum) {
      errors[f.name] = { key: 'fieldMax', vars: { max: f.maximum } };
      continue;
    }
    if (f.options && !f.options.map(Number).includes(n)) {
      errors[f.name] = { key: 'fieldRequired' };
      continue;
    }
    values[f.name] = n;
  }
  return { values, errors, ok: Object.keys(errors).length === 0 };
}

/** "duration 10 min, flow 2.5" for the confirmation dialog and the audit table. */
export function describeParams(
  params: Record<string, ParamValue>,
  fields: readonly Pick<ParamField, 'name' | 'title' | 'unit'>[] = [],
): string {
  return Object.entries(params)
    .map(([name, value]) => {
      const f = fields.find((x) => x.name === name);
      return `${f?.title ?? name} ${String(value)}${f?.unit ? ` ${f.unit}` : ''}`;
    })
    .join(', ');
}
