/** The current route from location.hash, updated on hashchange. */
import { useSyncExternalStore } from 'react';
import { parseRoute, type Route } from '../lib/route.ts';

function subscribe(listener: () => void) {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

export function useHashRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}

export function navigate(href: string): void {
  window.location.hash = href.replace(/^#/, '');
}
