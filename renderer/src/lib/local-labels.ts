/**
 * Sensor, actuator and command labels in the UI's language. A gateway's layout may carry `labels` per
 * language beside its default `label` (protocol/farm-api.ts); views localize the farm once, where it comes
 * in, and every label below reads the right one.
 */
import type { FarmSummary } from '../../../protocol/app/index.ts';
import type { FarmInfo, LocalLabels, ParamSchema } from '../../../protocol/farm-api.ts';
import type { Lang } from './i18n.ts';

export function localLabel(lang: Lang, label: string, labels: LocalLabels | undefined): string {
  return labels?.[lang] ?? label;
}

function localParams(lang: Lang, params: ParamSchema): ParamSchema {
  const properties: ParamSchema['properties'] = {};
  for (const [name, p] of Object.entries(params.properties)) {
    const title = p.titles?.[lang] ?? p.title;
    const description = p.descriptions?.[lang] ?? p.description;
    properties[name] = {
      ...p,
      ...(title !== undefined ? { title } : {}),
      ...(description !== undefined ? { description } : {}),
    };
  }
  return { ...params, properties };
}

export function localizeInfo(lang: Lang, info: FarmInfo): FarmInfo {
  return {
    ...info,
    sensors: info.sensors.map((s) => ({ ...s, label: localLabel(lang, s.label, s.labels) })),
    actuators: info.actuators.map((a) => ({
      ...a,
      label: localLabel(lang, a.label, a.labels),
      commands: a.commands.map((c) => ({
        ...c,
        label: localLabel(lang, c.label, c.labels),
        params: localParams(lang, c.params),
      })),
    })),
  };
}

/** Only the sensor list carries labels; a summary without any is returned as it is (cheap for big fleets). */
export function localizeSummary(lang: Lang, farm: FarmSummary): FarmSummary {
  if (!farm.sensors.some((s) => s.labels?.[lang])) return farm;
  return {
    ...farm,
    sensors: farm.sensors.map((s) => ({ ...s, label: localLabel(lang, s.label, s.labels) })),
  };
}
