/** The main navigation: real links (keyboard and screen-reader friendly), current page marked. */
import Drawer from '@mui/material/Drawer';
import Box from '@mui/material/Box';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Toolbar from '@mui/material/Toolbar';
import type { ComponentType } from 'react';
import { useApp } from '../app/context.tsx';
import type { MessageKey } from '../lib/i18n.ts';
import { type TopView, TOP_VIEWS } from '../lib/route.ts';
import { AlertBadge } from '../views/alerts/AlertBadge.tsx';
import { useAlertCounts } from '../views/alerts/useAlerts.ts';
import { AlertIcon, CommandsIcon, DevicesIcon, FarmIcon, MapIcon, SettingsIcon } from './Icons.tsx';

export const NAV_WIDTH = 200;

const ITEMS: Record<TopView, { label: MessageKey; Icon: ComponentType }> = {
  map: { label: 'navMap', Icon: MapIcon },
  farms: { label: 'navFarms', Icon: FarmIcon },
  devices: { label: 'navDevices', Icon: DevicesIcon },
  commands: { label: 'navCommands', Icon: CommandsIcon },
  alerts: { label: 'navAlerts', Icon: AlertIcon },
  settings: { label: 'navSettings', Icon: SettingsIcon },
};

/** The Alerts entry carries the firing count (and, mounted once here, shows browser notifications). */
export function NavMenu({
  current,
  phone,
  open,
  onClose,
}: {
  current: TopView | undefined;
  /** On a phone the menu is a temporary drawer behind the top bar's menu button (Escape closes it). */
  phone: boolean;
  open: boolean;
  onClose: () => void;
}) {
  const { firing } = useAlertCounts();
  const { t } = useApp();
  return (
    <Drawer
      variant={phone ? 'temporary' : 'permanent'}
      open={phone ? open : true}
      onClose={onClose}
      // Mounted while closed: the Alerts entry's badge also shows the browser notifications.
      ModalProps={{ keepMounted: true }}
      sx={{
        width: phone ? undefined : NAV_WIDTH,
        flexShrink: 0,
        '& .MuiDrawer-paper': { width: phone ? 260 : NAV_WIDTH, maxWidth: '80vw', boxSizing: 'border-box' },
      }}
    >
      {/* Over the top bar on a phone: no spacer for it. */}
      {!phone && <Toolbar variant="dense" />}
      <nav aria-label={t('navLabel')}>
        <List>
          {TOP_VIEWS.map((view) => {
            const { label, Icon } = ITEMS[view];
            const text = t(label);
            return (
              // A list of links: each link in its own <li> (axe: list, listitem).
              <ListItem key={view} disablePadding>
                <ListItemButton
                  component="a"
                  href={`#/${view}`}
                  onClick={phone ? onClose : undefined}
                  selected={current === view}
                  aria-current={current === view ? 'page' : undefined}
                  aria-label={
                    view === 'alerts' && firing > 0 ? t('navAlertsFiring', { n: firing }) : undefined
                  }
                >
                  <ListItemIcon sx={{ minWidth: 36 }}>
                    <Icon />
                  </ListItemIcon>
                  <ListItemText
                    primary={
                      view === 'alerts' ? (
                        // The count after the word: the visible "Alerts 2" starts the one spoken name
                        // "Alerts, 2 firing" (what speech users see is what they can say). Always mounted: it
                        // also shows the browser notifications.
                        <>
                          {text}{' '}
                          <Box component="span" aria-hidden sx={{ ml: 0.5 }}>
                            <AlertBadge />
                          </Box>
                        </>
                      ) : (
                        text
                      )
                    }
                  />
                </ListItemButton>
              </ListItem>
            );
          })}
        </List>
      </nav>
    </Drawer>
  );
}
