/** The map's zoom in, zoom out and fit-to-farms buttons. */
import IconButton from '@mui/material/IconButton';
import Paper from '@mui/material/Paper';
import { useApp } from '../app/context.tsx';
import { HomeIcon, MinusIcon, PlusIcon } from './Icons.tsx';

export function MapControls(props: { onZoomIn: () => void; onZoomOut: () => void; onReset: () => void }) {
  const { t } = useApp();
  const buttons = [
    { label: t('mapZoomIn'), onClick: props.onZoomIn, Icon: PlusIcon },
    { label: t('mapZoomOut'), onClick: props.onZoomOut, Icon: MinusIcon },
    { label: t('mapReset'), onClick: props.onReset, Icon: HomeIcon },
  ];
  return (
    <Paper
      elevation={2}
      sx={{ position: 'absolute', right: 8, top: 8, display: 'flex', flexDirection: 'column' }}
    >
      {/* A native title, not an MUI Tooltip: a popper open over the map would re-measure on every zoom. */}
      {buttons.map(({ label, onClick, Icon }) => (
        <IconButton key={label} aria-label={label} title={label} onClick={onClick} size="small">
          <Icon fontSize="small" />
        </IconButton>
      ))}
    </Paper>
  );
}
