/** Who is using the app (from getMe), in which roles, and which tailnet the core talks to (getAppInfo). */
import AppBar from '@mui/material/AppBar';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import Toolbar from '@mui/material/Toolbar';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useApp } from '../app/context.tsx';
import { ROLE_LABEL, TAILNET_LABEL } from '../lib/labels.ts';
import { explainMe } from '../lib/me-text.ts';
import { FarmIcon, MenuIcon } from './Icons.tsx';

export function TopBar({
  phone,
  menuOpen,
  onOpenMenu,
}: {
  /** On a phone: a menu button opens the navigation; the who-am-I box shows only the name. */
  phone: boolean;
  menuOpen: boolean;
  onOpenMenu: () => void;
}) {
  const { me, info, t, lang } = useApp();
  const why = me ? explainMe(me, t, lang) : '';
  const roles = me?.roles.map((r) => t(ROLE_LABEL[r])) ?? [];
  return (
    <AppBar position="fixed" color="default" elevation={1} sx={{ zIndex: (th) => th.zIndex.drawer + 1 }}>
      <Toolbar variant="dense" sx={{ gap: { xs: 1, sm: 1.5 }, px: { xs: 1, sm: 2 } }}>
        {phone && (
          <IconButton
            onClick={onOpenMenu}
            aria-label={t('phoneOpenMenu')}
            aria-haspopup="true"
            aria-expanded={menuOpen}
          >
            <MenuIcon />
          </IconButton>
        )}
        {!phone && <FarmIcon color="success" />}
        <Typography variant="h6" component="div" noWrap sx={{ fontWeight: 600, minWidth: 0 }}>
          {t('appName')}
        </Typography>
        <Box sx={{ flex: 1 }} />
        {info && !phone && (
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
              sx={{ display: 'flex', alignItems: 'center', gap: 1, minWidth: 0 }}
            >
              <Typography variant="body2" aria-hidden noWrap>
                {me.displayName}
              </Typography>
              {(phone ? roles.slice(0, 1) : roles.length ? roles : [t('noRole')]).map((r) => (
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
