import type { ConnectionPath as Path } from '../../../protocol/device.ts';
import type { useApp } from '../app/context.tsx';

export function connectionText(t: ReturnType<typeof useApp>['t'], path: Path, short = false): string {
  switch (path.kind) {
    case 'direct':
      return short ? t('direct') : t('pathDirect', { endpoint: path.endpoint });
    case 'relay':
      return short ? t('relayed', { region: path.region }) : t('pathRelay', { region: path.region });
    case 'unknown':
      return t('pathUnknown');
  }
}
