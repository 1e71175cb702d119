// The app's pure model: what the core, the preload and the renderer all speak. One file per domain;
// operations.ts is the one table of operations and push events.
export * from './settings.ts';
export * from './farms.ts';
export * from './commands.ts';
export * from './alerts.ts';
export * from './operations.ts';
export * from './hygiene.ts';
export * from './link.ts';
export * from './farm-policy.ts';
