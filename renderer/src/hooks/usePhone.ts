/** Whether the window is phone-sized (below MUI's `sm`, 600 px): the shell and wide views switch layout. */
import { useTheme } from '@mui/material/styles';
import useMediaQuery from '@mui/material/useMediaQuery';

export function usePhone(): boolean {
  const theme = useTheme();
  // noSsr: the first render already has the right layout (no desktop flash on a phone).
  return useMediaQuery(theme.breakpoints.down('sm'), { noSsr: true });
}
