/**
 * The rule editor's form as plain strings (what the inputs hold) ⇄ the contract's AlertRuleInput. Pure, so
 * the conversion and its validation are tested without a DOM; the core validates again on save.
 */
import {
  type AlertCondition,
  AlertKind,
  type AlertRule,
  AlertRuleInput,
  type AlertSeverity,
  type HealthLayerName,
} from '../../../../protocol/app/index.ts';
import { SensorKind } from '../../../../protocol/farm-api.ts';

export type CommandAlertState = Extract<AlertCondition, { kind: 'command' }>['states'][number];

export interface RuleForm {
  id: string | undefined;
  builtin: boolean;
  name: string;
  enabled: boolean;
  severity: AlertSeverity;
  /** '' = all farms. */
  farmId: string;
  /** '' = every sensor. */
  sensorId: string;
  kind: AlertKind;
  /** '' = any kind. */
  sensorKind: string;
  above: string;
  below: string;
  hysteresis: string;
  forMin: string;
  setpoint: string;
  setpointSensorId: string;
  delta: string;
  direction: 'above' | 'below' | 'both';
  min: string;
  max: string;
  layer: HealthLayerName;
  withinDays: string;
  unknownMin: string;
  states: CommandAlertState[];
  notify: AlertRule['notify'];
  webhookUrl: string;
}

export const SENSOR_KINDS = SensorKind.options;
export const ALERT_KINDS: readonly AlertKind[] = AlertKind.options;
export const COMMAND_STATES: readonly CommandAlertState[] = ['failed', 'rejected', 'expired', 'unknown'];

const num = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
const mins = (s: number) => String(Math.round((s / 60) * 100) / 100);

export function emptyForm(): RuleForm {
  return {
    id: undefined,
    builtin: false,
    name: '',
    enabled: true,
    severity: 'warning',
    farmId: '',
    sensorId: '',
    kind: 'threshold',
    sensorKind: '',
    above: '',
    below: '',
    hysteresis: '0',
    forMin: '10',
    setpoint: '',
    setpointSensorId: '',
    delta: '',
    direction: 'both',
    min: '',
    max: '',
    layer: 'gateway',
    withinDays: '14',
    unknownMin: '2',
    states: ['failed', 'rejected', 'expired', 'unknown'],
    notify: 'fire',
    webhookUrl: '',
  };
}

export function formFromRule(rule: AlertRule): RuleForm {
  const f: RuleForm = {
    ...emptyForm(),
    id: rule.id,
    builtin: rule.builtin,
    name: rule.name,
    enabled: rule.enabled,
    severity: rule.severity,
    farmId: rule.farmId ?? '',
    sensorId: rule.sensorId ?? '',
    kind: rule.condition.kind,
    notify: rule.notify,
    webhookUrl: rule.webhookUrl ?? '',
  };
  const c = rule.condition;
  switch (c.kind) {
    case 'threshold':
      return {
        ...f,
        sensorKind: c.sensorKind ?? '',
        above: num(c.above),
        below: num(c.below),
        hysteresis: num(c.hysteresis),
        forMin: mins(c.forS),
      };
    case 'setpoint':
      return {
        ...f,
        sensorKind: c.sensorKind ?? '',
        setpoint: num(c.setpoint),
        setpointSensorId: c.setpointSensorId ?? '',
        delta: num(c.delta),
        direction: c.direction,
        hysteresis: num(c.hysteresis),
        forMin: mins(c.forS),
      };
    case 'range':
      return { ...f, min: num(c.min), max: num(c.max), hysteresis: num(c.hysteresis), forMin: mins(c.forS) };
    case 'offline':
      return { ...f, layer: c.layer, forMin: mins(c.forS) };
    case 'stale':
      return { ...f, forMin: mins(c.forS) };
    case 'command':
      return { ...f, states: [...c.states], unknownMin: mins(c.unknownForS) };
    case 'keyExpiry':
      return { ...f, withinDays: String(c.withinDays) };
  }
}

/** Why a field was refused, worded by the dialog (lib/i18n `problem_*`). */
export type FormProblem = 'number' | 'negative' | 'required' | 'choose' | 'url' | 'limit' | 'invalid';

export type FormResult =
  { ok: true; input: AlertRuleInput } | { ok: false; field: keyof RuleForm; problem: FormProblem };

class FieldError extends Error {
  readonly field: keyof RuleForm;
  readonly problem: FormProblem;
  constructor(field: keyof RuleForm, problem: FormProblem = 'number') {
    super(field);
    this.field = field;
    this.problem = problem;
  }
}

function parseNum(form: RuleForm, field: keyof RuleForm, optional: boolean): number | null {
  const text = String(form[field]).trim().replace(',', '.');
  if (text === '') {
    if (optional) return null;
    throw new FieldError(field);
  }
  const n = Number(text);
  if (!Number.isFinite(n)) throw new FieldError(field);
  return n;
}

function seconds(form: RuleForm, field: 'forMin' | 'unknownMin'): number {
  const m = parseNum(form, field, false)!;
  if (m < 0) throw new FieldError(field, 'negative');
  return Math.round(m * 60);
}

function conditionOf(form: RuleForm): AlertCondition {
  const sensorKind = SensorKind.safeParse(form.sensorKind).data ?? null;
  switch (form.kind) {
    case 'threshold':
      return {
        kind: 'threshold',
        sensorKind,
        above: parseNum(form, 'above', true),
        below: parseNum(form, 'below', true),
        hysteresis: parseNum(form, 'hysteresis', true) ?? 0,
        forS: seconds(form, 'forMin'),
      };
    case 'setpoint':
      return {
        kind: 'setpoint',
        sensorKind,
        setpoint: parseNum(form, 'setpoint', true),
        setpointSensorId: form.setpointSensorId.trim() === '' ? null : form.setpointSensorId.trim(),
        delta: parseNum(form, 'delta', false)!,
        direction: form.direction,
        hysteresis: parseNum(form, 'hysteresis', true) ?? 0,
        forS: seconds(form, 'forMin'),
      };
    case 'range':
      return {
        kind: 'range',
        min: parseNum(form, 'min', true),
        max: parseNum(form, 'max', true),
        hysteresis: parseNum(form, 'hysteresis', true),
        forS: seconds(form, 'forMin'),
      };
    case 'offline':
      return { kind: 'offline', layer: form.layer, forS: seconds(form, 'forMin') };
    case 'stale':
      return { kind: 'stale', forS: seconds(form, 'forMin') };
    case 'command':
      return { kind: 'command', states: [...form.states], unknownForS: seconds(form, 'unknownMin') };
    case 'keyExpiry':
      return { kind: 'keyExpiry', withinDays: parseNum(form, 'withinDays', false)! };
  }
}

const FIELD_OF_PATH: Record<string, keyof RuleForm> = {
  name: 'name',
  farmId: 'farmId',
  sensorId: 'sensorId',
  webhookUrl: 'webhookUrl',
  forS: 'forMin',
  unknownForS: 'unknownMin',
  states: 'states',
};

function problemOf(field: keyof RuleForm, code: string | undefined): FormProblem {
  if (field === 'webhookUrl') return 'url';
  if (field === 'states') return 'choose';
  if (field === 'above' || field === 'below') return 'limit';
  if (code === 'too_small') return 'required';
  return 'invalid';
}

/** The input to save, or the first field that is wrong (for the editor to mark). */
export function ruleFromForm(form: RuleForm): FormResult {
  let condition: AlertCondition;
  try {
    condition = conditionOf(form);
  } catch (err) {
    if (err instanceof FieldError) return { ok: false, field: err.field, problem: err.problem };
    throw err;
  }
  const candidate = {
    ...(form.id ? { id: form.id } : {}),
    name: form.name,
    enabled: form.enabled,
    severity: form.severity,
    farmId: form.farmId === '' ? null : form.farmId,
    sensorId: form.sensorId.trim() === '' ? null : form.sensorId.trim(),
    condition,
    notify: form.notify,
    webhookUrl: form.webhookUrl.trim() === '' ? null : form.webhookUrl.trim(),
  };
  const parsed = AlertRuleInput.safeParse(candidate);
  if (parsed.success) return { ok: true, input: parsed.data };
  const issue = parsed.error.issues[0];
  const path = issue?.path ?? [];
  const last = String(path[path.length - 1] ?? 'name');
  const field = FIELD_OF_PATH[last] ?? (last as keyof RuleForm);
  return { ok: false, field, problem: problemOf(field, issue?.code) };
}
