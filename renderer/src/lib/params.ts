/**
 * The command form is generated from an actuator command's JSON-schema subset (numbers/integers with
 * bounds, enums, booleans, strings). Validation mirrors what the gateway will check, with messages per field.
 */
import type { ParamSchema, ParamValue } from '../../../protocol/farm-api.ts';
import { type ValueProblem, valueProblem } from '../../../protocol/command-params.ts';
import type { MessageKey, Vars } from './i18n.ts';

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

const bounds = (f: ParamField) => ({
  ...(f.minimum !== undefined ? { minimum: f.minimum } : {}),
  ...(f.maximum !== undefined ? { maximum: f.maximum } : {}),
  ...(f.options ? { enum: f.options } : {}),
});

function fieldError(p: ValueProblem): FieldError {
  switch (p.code) {
    case 'min':
      return { key: 'fieldMin', vars: { min: p.limit } };
    case 'max':
      return { key: 'fieldMax', vars: { max: p.limit } };
    case 'integer':
      return { key: 'fieldInteger' };
    case 'number':
      return { key: 'fieldNumber' };
    case 'enum':
    case 'boolean':
    case 'string':
      return { key: 'fieldRequired' };
  }
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
    // Text to a value, then the same rule the gateway applies (protocol/command-params.ts).
    const value: ParamValue = f.type === 'string' ? raw : Number(raw.replace(',', '.'));
    const problem = valueProblem({ type: f.type, ...bounds(f) }, value);
    if (problem) {
      errors[f.name] = fieldError(problem);
      continue;
    }
    values[f.name] = value;
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
