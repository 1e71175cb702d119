/**
 * The page's Content-Security-Policy names the tile origin the page was loaded with (both hosts build it
 * from the settings). When the user picks tiles from another origin, the page reloads so the new policy
 * allows them; the hash route, and with it the view, survives the reload.
 */
import { useEffect, useRef } from 'react';
import { tileOrigin } from '../../../protocol/app/map-tiles.ts';

export function useTilePolicyReload(tileUrl: string | undefined, loaded: boolean): void {
  const origin = tileOrigin(tileUrl);
  const loadedWith = useRef<{ origin: string | undefined } | null>(null);
  useEffect(() => {
    if (!loaded) return;
    if (loadedWith.current === null) loadedWith.current = { origin };
    else if (loadedWith.current.origin !== origin) window.location.reload();
  }, [loaded, origin]);
}
