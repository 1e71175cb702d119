/** The MUI theme for light and dark: calm greens, readable contrast, compact density for a control room. */
import { createTheme, type Theme } from '@mui/material/styles';

export function makeTheme(mode: 'light' | 'dark'): Theme {
  return createTheme({
    palette: {
      mode,
      primary: { main: mode === 'dark' ? '#81c784' : '#2e7d32' },
      secondary: { main: mode === 'dark' ? '#90caf9' : '#1565c0' },
      background:
        mode === 'dark' ? { default: '#101412', paper: '#171c19' } : { default: '#f5f7f5', paper: '#ffffff' },
    },
    shape: { borderRadius: 6 },
    typography: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif' },
    components: {
      MuiTableCell: { styleOverrides: { root: { paddingTop: 6, paddingBottom: 6 } } },
    },
  });
}
