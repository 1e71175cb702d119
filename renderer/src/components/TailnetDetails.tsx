/** How the farm sits on the tailnet: addresses, DNS name, tags, direct or relayed, key expiry. */
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import type { FarmSummary } from '../../../protocol/app/index.ts';
import type { TailnetDevice } from '../../../protocol/device.ts';
import { useApp } from '../app/context.tsx';
import { formatRelative } from '../lib/format.ts';
import { connectionText } from './ConnectionPath.tsx';
import { KeyExpiry } from './KeyExpiry.tsx';

export function TailnetDetails({
  summary,
  device,
  gatewayVersion,
  now,
}: {
  summary: FarmSummary;
  device: TailnetDevice | null;
  gatewayVersion?: string;
  now: number;
}) {
  const { t, lang } = useApp();
  const rows: [string, ReactNode][] = [
    [
      t('tailnetAddresses'),
      device ? [...device.ipv4, ...device.ipv6].join(', ') || summary.address : summary.address,
    ],
    [t('tailnetDnsName'), device?.dnsName || summary.dnsName || '—'],
    [
      t('tailnetTags'),
      (device?.tags ?? summary.tags).map((tag) => (
        <Chip key={tag} label={tag} size="small" variant="outlined" sx={{ mr: 0.5 }} />
      )),
    ],
  ];
  if (device) {
    rows.push(
      [
        t('colOnline'),
        device.online
          ? t('online')
          : device.lastSeen
            ? t('offlineSeen', { when: formatRelative(lang, device.lastSeen, now) })
            : t('offline'),
      ],
      [t('tailnetPath'), connectionText(t, device.connection)],
      [t('keyExpiry'), <KeyExpiry key="k" device={device} now={now} />],
      [t('colClient'), [device.clientVersion, device.os].filter(Boolean).join(' · ') || '—'],
    );
  }
  if (gatewayVersion) rows.push([t('gatewayVersion'), gatewayVersion]);
  return (
    <>
      <Box
        component="dl"
        sx={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 2, rowGap: 0.75, m: 0 }}
      >
        {rows.map(([k, v]) => (
          <Box key={k} sx={{ display: 'contents' }}>
            <Box component="dt" sx={{ color: 'text.secondary' }}>
              {k}
            </Box>
            <Box component="dd" sx={{ m: 0, wordBreak: 'break-word' }}>
              {v}
            </Box>
          </Box>
        ))}
      </Box>
      {!device && (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          {t('noDeviceInfo')}
        </Typography>
      )}
    </>
  );
}
