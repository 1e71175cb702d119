/** The MUI theme for light and dark: calm greens, readable contrast, compact density for a control room. */
import { enUS, ruRU } from '@mui/material/locale';
import { createTheme, type Theme } from '@mui/material/styles';

/**
 * Status colours with text on them (chips) and as text on the page at ≥ 4.5:1 (WCAG AA, checked by axe in
 * test/e2e/a11y.test.ts). MUI's light warning/info and dark error carry white text at 3.1–4.1:1; here light
 * colours are darkened (white text), dark ones lightened (dark text).
 */
const STATUS = {
  light: {
    error: { main: '#c62828' },
    warning: { main: '#b45309' },
    info: { main: '#0369a1' },
    success: { main: '#2e7d32' },
  },
  dark: {
    error: { main: '#f28b82' },
    warning: { main: '#ffa726' },
    info: { main: '#29b6f6' },
    success: { main: '#66bb6a' },
  },
} as const;

/** The keyboard focus ring: blue, apart from the green selection, ≥ 3:1 on paper and background. */
const FOCUS_RING = { light: '#1565c0', dark: '#90caf9' } as const;

/** `lang` picks MUI's own texts (pagination, close buttons, empty pickers) in the UI's language. */
export function makeTheme(mode: 'light' | 'dark', lang: 'en' | 'ru' = 'en'): Theme {
  const ring = { outline: `2px solid ${FOCUS_RING[mode]}`, outlineOffset: 2 };
  return createTheme(
    {
      palette: {
        mode,
        // Contrast text on coloured surfaces is chosen for 4.5:1, not MUI's default 3:1.
        contrastThreshold: 4.5,
        primary: { main: mode === 'dark' ? '#81c784' : '#2e7d32' },
        secondary: { main: mode === 'dark' ? '#90caf9' : '#1565c0' },
        ...STATUS[mode],
        background:
          mode === 'dark'
            ? { default: '#101412', paper: '#171c19' }
            : { default: '#f5f7f5', paper: '#ffffff' },
      },
      shape: { borderRadius: 6 },
      typography: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif' },
      components: {
        // MUI draws subtitles as <h6>: under an h2 that skips levels (axe heading-order). A subtitle is a
        // paragraph unless a component says it is a heading (component="h3").
        MuiTypography: { defaultProps: { variantMapping: { subtitle1: 'p', subtitle2: 'p' } } },
        MuiTableCell: { styleOverrides: { root: { paddingTop: 6, paddingBottom: 6 } } },
        // Visible focus for keyboard users: MUI's buttons, links and list items remove the outline and show
        // only a faint background; plain focusable elements (links, tabIndex=0) get the same ring.
        MuiCssBaseline: {
          styleOverrides: {
            'a:focus-visible, [tabindex]:not([tabindex="-1"]):focus-visible, summary:focus-visible': ring,
          },
        },
        MuiButtonBase: {
          styleOverrides: {
            root: {
              '&.Mui-focusVisible': ring,
              // List rows fill their (scrolling, clipping) container: the ring goes inside them.
              '&.MuiListItemButton-root.Mui-focusVisible': { outlineOffset: -2 },
            },
          },
        },
        // Unselected toggle buttons use action.active (4.3:1 on the page background); text.secondary reads.
        MuiToggleButton: {
          styleOverrides: { root: ({ theme }) => ({ color: theme.palette.text.secondary }) },
        },
        // Long words (URLs, commands) wrap instead of making the message a scroll box the keyboard can't reach.
        // On a phone every dialog is a bottom sheet: full width, at the bottom, within the screen.
        MuiDialog: {
          styleOverrides: {
            container: ({ theme }) => ({ [theme.breakpoints.down('sm')]: { alignItems: 'flex-end' } }),
            paper: ({ theme }) => ({
              [theme.breakpoints.down('sm')]: {
                margin: 0,
                width: '100%',
                maxWidth: '100%',
                maxHeight: 'calc(100% - 48px)',
                borderRadius: `${Number(theme.shape.borderRadius) * 2}px ${Number(theme.shape.borderRadius) * 2}px 0 0`,
              },
            }),
          },
        },
        MuiAlert: { styleOverrides: { message: { overflowWrap: 'anywhere', minWidth: 0 } } },
      },
    },
    lang === 'ru' ? ruRU : enUS,
  );
}
