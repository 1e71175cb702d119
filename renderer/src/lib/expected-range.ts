/** A sensor's expected range (from its layout) as the reading card words it. */

/** Which side of the expected range a value is on; undefined inside it (bounds included) or without one. */
export function rangeSide(
  value: number | null,
  range: { min: number; max: number } | undefined,
): 'below' | 'above' | undefined {
  if (value === null || !range) return undefined;
  return value < range.min ? 'below' : value > range.max ? 'above' : undefined;
}
