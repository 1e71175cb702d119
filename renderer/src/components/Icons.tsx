/** A handful of inline SVG icons (no icon package): decorative, so hidden from assistive tech. */
import SvgIcon, { type SvgIconProps } from '@mui/material/SvgIcon';

function icon(d: string) {
  return function Icon(props: SvgIconProps) {
    return (
      <SvgIcon aria-hidden focusable={false} {...props}>
        <path d={d} />
      </SvgIcon>
    );
  };
}

export const MapIcon = icon('M9 3 3 5v16l6-2 6 2 6-2V3l-6 2-6-2Zm0 2.2 6 2v11.6l-6-2V5.2Z');
export const FarmIcon = icon('M12 3 2 10h2v11h6v-6h4v6h6V10h2L12 3Zm0 5a2 2 0 1 1 0 4 2 2 0 0 1 0-4Z');
export const DevicesIcon = icon('M3 5h18v11H3V5Zm2 2v7h14V7H5Zm3 11h8v2H8v-2Z');
export const CommandsIcon = icon(
  'M3 4h18v16H3V4Zm2 2v12h14V6H5Zm2 2 4 4-4 4-1.4-1.4L8.2 12 5.6 9.4 7 8Zm5 6h5v2h-5v-2Z',
);
export const AlertIcon = icon('M12 2 1 21h22L12 2Zm-1 7h2v6h-2V9Zm0 8h2v2h-2v-2Z');
export const SettingsIcon = icon(
  'M4 6h10v2H4V6Zm12-1h2v4h-2V8h-0V5Zm2 1h2v2h-2V6ZM4 16h4v2H4v-2Zm6-1h2v4h-2v-4Zm2 1h8v2h-8v-2ZM4 11h8v2H4v-2Zm10-1h2v4h-2v-4Zm2 1h4v2h-4v-2Z',
);
export const CopyIcon = icon('M8 3h11v13h-2V5H8V3ZM5 7h11v14H5V7Zm2 2v10h7V9H7Z');
export const DownloadIcon = icon(
  'M11 3h2v9l3.5-3.5 1.4 1.4L12 15.8 6.1 9.9l1.4-1.4L11 12V3ZM4 18h16v2H4v-2Z',
);
export const PlusIcon = icon('M11 5h2v6h6v2h-6v6h-2v-6H5v-2h6V5Z');
export const MinusIcon = icon('M5 11h14v2H5v-2Z');
export const HomeIcon = icon('M12 3 3 11h3v9h5v-6h2v6h5v-9h3L12 3Z');
export const BackIcon = icon('M20 11H7.8l5.6-5.6L12 4l-8 8 8 8 1.4-1.4L7.8 13H20v-2Z');
export const MenuIcon = icon('M3 6h18v2H3V6Zm0 5h18v2H3v-2Zm0 5h18v2H3v-2Z');
