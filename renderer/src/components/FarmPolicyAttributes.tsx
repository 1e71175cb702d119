/**
 * "Tailnet policy attributes": the posture attributes (custom:agromesh_region / _crop / _owner) the farm's
 * device carries now, each with whether it is in step with the registry's region, crop and owner; on a
 * backend without posture attributes, why not and that the registry alone holds them.
 */
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import type { FarmPolicyAttribute, FarmPolicyAttributes as State } from '../../../protocol/app/index.ts';
import { useApp } from '../app/context.tsx';
import type { MessageKey } from '../lib/i18n.ts';

const STATE_TEXT: Record<FarmPolicyAttribute['state'], MessageKey | null> = {
  'in-step': 'postureInStep',
  'will-write': 'postureWillUpdate',
  'will-delete': 'postureWillUpdate',
  unset: 'postureUnset',
  unusable: 'postureUnusable',
  'registry-only': null,
};

const quoted = (v: string | number | boolean | null) =>
  v === null ? '—' : typeof v === 'string' ? `'${v}'` : String(v);

export function FarmPolicyAttributes({ state }: { state: State }) {
  const { t } = useApp();
  if (!state.supported) {
    return (
      <Typography data-testid="posture-unsupported">
        {t(state.backend === 'headscale' ? 'postureUnsupportedHeadscale' : 'postureUnsupportedLocal')}
      </Typography>
    );
  }
  return (
    <>
      <Box
        component="dl"
        sx={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 2, rowGap: 0.75, m: 0 }}
      >
        {state.attributes.map((a) => {
          const label = STATE_TEXT[a.state];
          const shown = a.state === 'will-write' ? a.want : a.have;
          return (
            <Box key={a.key} sx={{ display: 'contents' }}>
              <Box component="dt" sx={{ fontFamily: 'monospace', color: 'text.secondary' }}>
                {a.key}
              </Box>
              <Box
                component="dd"
                sx={{ m: 0, display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}
              >
                <Box component="span" sx={{ fontFamily: 'monospace' }} data-posture-key={a.key}>
                  {quoted(shown)}
                </Box>
                {label && (
                  <Chip
                    size="small"
                    variant="outlined"
                    color={a.state === 'in-step' ? 'success' : a.state === 'unset' ? 'default' : 'warning'}
                    label={t(label)}
                  />
                )}
              </Box>
            </Box>
          );
        })}
      </Box>
      {state.error !== null && (
        <Typography color="warning.main" variant="body2" sx={{ mt: 1 }}>
          {t('postureError', { error: state.error })}
        </Typography>
      )}
      <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
        {t('postureHelp')}
      </Typography>
    </>
  );
}
