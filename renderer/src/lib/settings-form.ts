/** Turns the tailnet/registry/map form drafts into settings patches, validated by the contract's schema. */
import { Settings } from '../../../protocol/app/index.ts';
import { isValidTileTemplate } from '../../../protocol/app/map-tiles.ts';

export type TailnetDraft = {
  backend: Settings['tailnet']['backend'];
  localApiSocket: string;
  apiUrl: string;
  tailnetName: string;
  headscaleUrl: string;
};

const blankToUndefined = (s: string) => (s.trim() === '' ? undefined : s.trim());

export function tailnetDraftOf(s: Settings['tailnet']): TailnetDraft {
  return {
    backend: s.backend,
    localApiSocket: s.localApiSocket ?? '',
    apiUrl: s.apiUrl ?? '',
    tailnetName: s.tailnetName ?? '',
    headscaleUrl: s.headscaleUrl ?? '',
  };
}

/** The fields that matter for the chosen backend (others are kept out of the saved settings). */
export function tailnetFields(backend: TailnetDraft['backend']): (keyof Omit<TailnetDraft, 'backend'>)[] {
  switch (backend) {
    case 'auto':
    case 'localapi':
      return ['localApiSocket'];
    case 'api-v2':
      return ['apiUrl', 'tailnetName'];
    case 'headscale':
      return ['headscaleUrl'];
  }
}

export type FieldErrors = Partial<Record<keyof TailnetDraft, 'urlInvalid' | 'fieldRequired'>>;

export function tailnetPatch(draft: TailnetDraft): { value?: Settings['tailnet']; errors: FieldErrors } {
  const value: Settings['tailnet'] = { backend: draft.backend };
  for (const field of tailnetFields(draft.backend)) {
    const v = blankToUndefined(draft[field]);
    if (v !== undefined) value[field] = v;
  }
  const errors: FieldErrors = {};
  if (draft.backend === 'api-v2' && value.tailnetName === undefined) errors.tailnetName = 'fieldRequired';
  if (draft.backend === 'headscale' && value.headscaleUrl === undefined)
    errors.headscaleUrl = 'fieldRequired';
  const parsed = Settings.shape.tailnet.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path[0];
      if (key === 'apiUrl' || key === 'headscaleUrl') errors[key] = 'urlInvalid';
    }
  }
  return Object.keys(errors).length ? { errors } : { value, errors };
}

export function registryPatch(embedded: boolean, url: string): Settings['registry'] | undefined {
  const value: Settings['registry'] = { embedded };
  const u = blankToUndefined(url);
  if (u !== undefined) value.url = u;
  return Settings.shape.registry.safeParse(value).success ? value : undefined;
}

export function mapPatch(tileUrl: string): Settings['map'] | undefined {
  const u = blankToUndefined(tileUrl);
  if (u === undefined) return {};
  return isValidTileTemplate(u) ? { tileUrl: u } : undefined;
}
