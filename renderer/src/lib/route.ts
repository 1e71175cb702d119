/** Hash routes: `#/farms/<id>` deep links work in Electron (app://) and in the browser host alike. */
export type Route =
  | { view: 'map' }
  | { view: 'farms' }
  | { view: 'farm'; farmId: string }
  | { view: 'devices' }
  | { view: 'commands' }
  | { view: 'alerts'; farmId?: string }
  | { view: 'settings' }
  | { view: 'notFound'; path: string };

export type TopView = 'map' | 'farms' | 'devices' | 'commands' | 'alerts' | 'settings';
export const TOP_VIEWS: readonly TopView[] = ['map', 'farms', 'devices', 'commands', 'alerts', 'settings'];

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/^\/+/, '').replace(/\/+$/, '');
  if (path === '') return { view: 'map' };
  const [head, ...rest] = path.split('/');
  if ((head === 'farms' || head === 'alerts') && rest.length === 1 && rest[0]) {
    let farmId: string;
    try {
      farmId = decodeURIComponent(rest[0]);
    } catch {
      return { view: 'notFound', path };
    }
    // `#/alerts/<farm>`: the Alerts view filtered to one farm (the farm's alert chip leads there).
    return head === 'farms' ? { view: 'farm', farmId } : { view: 'alerts', farmId };
  }
  if (rest.length === 0 && (TOP_VIEWS as readonly string[]).includes(head ?? '')) {
    return { view: head as TopView };
  }
  return { view: 'notFound', path };
}

export function routeHref(route: Route): string {
  switch (route.view) {
    case 'farm':
      return `#/farms/${encodeURIComponent(route.farmId)}`;
    case 'alerts':
      return route.farmId ? `#/alerts/${encodeURIComponent(route.farmId)}` : '#/alerts';
    case 'notFound':
      return `#/${route.path}`;
    default:
      return `#/${route.view}`;
  }
}

/** Which navigation entry is current for a route (a farm detail lives under Farms). */
export function navSection(route: Route): TopView | undefined {
  if (route.view === 'farm') return 'farms';
  if (route.view === 'notFound') return undefined;
  return route.view;
}
