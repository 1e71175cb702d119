/**
 * Farm metadata in the tailnet policy: a farm's region, crop and owner (display text kept in the registry)
 * are mirrored onto the farm's tailnet device as posture attributes, so a company can write policy on
 * them (`custom:agromesh_region == 'south'`). Pure: the key names, the normalisation to what a posture
 * condition can match, the plan of what to write or delete, and the contract's view of it.
 */
import { z } from 'zod';

export const FARM_POLICY_FIELDS = ['region', 'crop', 'owner'] as const;
export type FarmPolicyField = (typeof FARM_POLICY_FIELDS)[number];

export const FARM_POLICY_KEYS: Record<FarmPolicyField, string> = {
  region: 'custom:agromesh_region',
  crop: 'custom:agromesh_crop',
  owner: 'custom:agromesh_owner',
};

/** Tailscale keeps string posture values to 50 characters of [A-Za-z0-9_.]. */
export const POSTURE_VALUE_MAX = 50;

// Russian is the app's second language: its letters get a plain Latin spelling rather than vanishing.
const CYRILLIC: Record<string, string> = Object.fromEntries(
  'а:a б:b в:v г:g д:d е:e ё:e ж:zh з:z и:i й:i к:k л:l м:m н:n о:o п:p р:r с:s т:t у:u ф:f х:kh ц:ts ч:ch ш:sh щ:shch ъ: ы:y ь: э:e ю:yu я:ya і:i ї:i є:e'
    .split(' ')
    .map((pair) => pair.split(':') as [string, string]),
);

/**
 * The value a policy matches: lowercase, accents dropped, Cyrillic spelt in Latin letters, every other run
 * of characters one `_`, at most 50 characters. "South-East Plain" → `south_east_plain`, "Юг" → `yug`.
 * Empty when nothing of the text survives (e.g. Chinese): such a value cannot be written.
 */
export function policyValue(text: string): string {
  const latin = [...text.normalize('NFKD').toLowerCase()]
    .map((c) => CYRILLIC[c] ?? c)
    .join('')
    .replace(/[\u0300-\u036f]/g, '');
  return latin
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, POSTURE_VALUE_MAX)
    .replace(/_+$/, '');
}

export const PostureValue = z.union([z.string(), z.number(), z.boolean()]);
export type PostureValue = z.infer<typeof PostureValue>;

/**
 * - `in-step`: the device carries the value the registry asks for;
 * - `will-write` / `will-delete`: it differs (or is missing / left over) and the next sync fixes it;
 * - `unset`: neither the registry nor the device has one;
 * - `unusable`: the text has no letter or digit a policy can match (nothing is written, a leftover removed);
 * - `registry-only`: this backend has no posture attributes.
 */
export const PostureState = z.enum([
  'in-step',
  'will-write',
  'will-delete',
  'unset',
  'unusable',
  'registry-only',
]);
export type PostureState = z.infer<typeof PostureState>;

export const FarmPolicyAttribute = z.object({
  field: z.enum(FARM_POLICY_FIELDS),
  key: z.string(),
  /** As typed, from the registry. */
  text: z.string(),
  /** What the device should carry; null = nothing. */
  want: z.string().nullable(),
  /** What the device carries now; null = nothing (or not readable). */
  have: PostureValue.nullable(),
  state: PostureState,
});
export type FarmPolicyAttribute = z.infer<typeof FarmPolicyAttribute>;

export const FarmPolicyAttributes = z.object({
  farmId: z.string(),
  backend: z.enum(['localapi', 'api-v2', 'headscale']),
  supported: z.boolean(),
  /** English, when not supported: why, and that the registry alone holds these. */
  unsupportedReason: z.string().nullable(),
  attributes: z.array(FarmPolicyAttribute),
  /** When the device's attributes were read (ISO); null when they were not. */
  checkedAt: z.string().nullable(),
  /** The last failure reading or writing them (English), null when the last try worked. */
  error: z.string().nullable(),
});
export type FarmPolicyAttributes = z.infer<typeof FarmPolicyAttributes>;

export type FarmPolicyText = Partial<Record<FarmPolicyField, string | undefined>>;

/** Each field's key, wanted value and state against what the device carries (`current`, all its attributes). */
export function planPosture(
  text: FarmPolicyText,
  current: Readonly<Record<string, unknown>> | null,
): FarmPolicyAttribute[] {
  return FARM_POLICY_FIELDS.map((field) => {
    const key = FARM_POLICY_KEYS[field];
    const typed = (text[field] ?? '').trim();
    const value = policyValue(typed);
    const want = value === '' ? null : value;
    const raw = current?.[key];
    const have = PostureValue.safeParse(raw).success ? (raw as PostureValue) : null;
    let state: PostureState;
    if (current === null) state = 'registry-only';
    else if (want !== null) state = have === want ? 'in-step' : 'will-write';
    else if (have !== null) state = 'will-delete';
    else state = typed === '' ? 'unset' : 'unusable';
    return { field, key, text: typed, want, have, state };
  });
}

/** What a sync must do to bring the device in step. */
export function postureChanges(plan: readonly FarmPolicyAttribute[]): {
  write: { key: string; value: string }[];
  remove: string[];
} {
  return {
    write: plan.flatMap((a) =>
      a.state === 'will-write' && a.want !== null ? [{ key: a.key, value: a.want }] : [],
    ),
    remove: plan.flatMap((a) => (a.state === 'will-delete' ? [a.key] : [])),
  };
}
