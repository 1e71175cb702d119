/** The one version of Agromesh, from package.json: the host, demo, registry, gateway and CLI all report it. */
import pkg from '../package.json' with { type: 'json' };

export const AGROMESH_VERSION: string = pkg.version;
