/** Metric ⇄ imperial for the units gateways report; unknown units pass through untouched. */
export type UnitSystem = 'metric' | 'imperial';

interface Conversion {
  to: string;
  convert: (v: number) => number;
}

const TO_IMPERIAL: Record<string, Conversion> = {
  '°C': { to: '°F', convert: (v) => (v * 9) / 5 + 32 },
  C: { to: '°F', convert: (v) => (v * 9) / 5 + 32 },
  mm: { to: 'in', convert: (v) => v / 25.4 },
  cm: { to: 'in', convert: (v) => v / 2.54 },
  m: { to: 'ft', convert: (v) => v * 3.28084 },
  'm/s': { to: 'mph', convert: (v) => v * 2.236936 },
  'km/h': { to: 'mph', convert: (v) => v * 0.621371 },
  L: { to: 'gal', convert: (v) => v * 0.264172 },
  'L/min': { to: 'gal/min', convert: (v) => v * 0.264172 },
  'm³/h': { to: 'gal/min', convert: (v) => v * 4.402868 },
  'mm/h': { to: 'in/h', convert: (v) => v / 25.4 },
};

export function displayUnit(unit: string, system: UnitSystem): string {
  return system === 'imperial' ? (TO_IMPERIAL[unit]?.to ?? unit) : unit;
}

export function convertValue(value: number, unit: string, system: UnitSystem): number {
  if (system === 'metric') return value;
  const c = TO_IMPERIAL[unit];
  return c ? c.convert(value) : value;
}

/** Converts a null-preserving value (null is a gap). */
export function convertMaybe(value: number | null, unit: string, system: UnitSystem): number | null {
  return value === null ? null : convertValue(value, unit, system);
}
