/** Who is using the app (from getMe), in which roles, and which tailnet the core talks to (getAppInfo). */
import AppBar from '@mui/material/AppBar';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Toolbar from '@mui/material/Toolbar';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useApp } from '../app/context.tsx';
import { ROLE_LABEL, TAILNET_LABEL } from '../lib/labels.ts';
import { explainMe } from '../lib/me-text.ts';
import { FarmIcon } from './Icons.tsx';

export function TopBar() {
  const { me, info, t, lang } = useApp();
  const why = me ? explainMe(me, t, lang) : '';
  const roles = me?.roles.map((r) => t(ROLE_LABEL[r])) ?? [];
  return (
    <AppBar position="fixed" color="default" elevation={1} sx={{ zIndex: (th) => th.zIndex.drawer + 1 }}>
      <Toolbar variant="dense" sx={{ gap: 1.5 }}>
        <FarmIcon color="success" />
        <Typography variant="h6" component="div" sx={{ fontWeight: 600 }}>
          {t('appName')}
        </Typography>
        <Box sx={{ flex: 1 }} />
        {info && (
          <Chip
            size="small"
            variant="outlined"
            color={info.tailnet === 'none' ? 'warning' : 'default'}
            label={t('tailnetMode', { mode: t(TAILNET_LABEL[info.tailnet]) })}
          />
        )}
        {me && (
          <Tooltip title={why}>
            <Box
              tabIndex={0}
              role="group" // a name on a plain div is not announced (axe: aria-prohibited-attr)
              aria-label={`${t('signedInAs', { name: me.displayName })}. ${t('rolesLabel')}: ${roles.join(', ') || t('noRole')}. ${why}`}
              sx={{ display: 'flex', alignItems: 'center', gap: 1 }}
            >
              <Typography variant="body2" aria-hidden>
                {me.displayName}
              </Typography>
              {(roles.length ? roles : [t('noRole')]).map((r) => (
                <Chip
                  key={r}
                  size="small"
                  label={r}
                  color={me.roles.length ? 'primary' : 'default'}
                  aria-hidden
                />
              ))}
            </Box>
          </Tooltip>
        )}
      </Toolbar>
    </AppBar>
  );
}
