/**
 * `agromesh` command line: one dispatcher, one module per subcommand, each loaded only when used.
 * This is the headless composition root; it may import the gateway and simulator programs, the core may not.
 */
import { AgromeshError } from '../../protocol/errors.ts';
import { type CliIO, type Subcommand, processIO } from './io.ts';
import { AGROMESH_VERSION } from '../../kit/version.ts';

const subcommands: Record<string, { summary: string; load: () => Promise<Subcommand> }> = {
  demo: {
    summary: 'run the control room against a built-in simulated tailnet with farm gateways',
    load: async () => (await import('./demo.ts')).run,
  },
  start: {
    summary: "open the desktop app on this computer's tailnet (or the browser host without Electron)",
    load: async () => (await import('./start.ts')).run,
  },
  host: {
    summary: 'serve the control room in a browser (browser host) on 127.0.0.1',
    load: async () => (await import('./host.ts')).run,
  },
  tailnet: {
    summary: 'inspect and manage the tailnet: devices, whois, tags, auth keys, policy file',
    load: async () => (await import('./tailnet.ts')).run,
  },
  gateway: {
    summary: 'run the farm gateway (the farm-side program serving Farm API v1)',
    load: async () => (await import('../../gateway/cli.ts')).run,
  },
  discovery: {
    summary: 'run the discovery registry (discovery serve)',
    load: async () => (await import('./discovery.ts')).run,
  },
  farms: {
    summary: 'list farms merged from the tailnet, gateways and registry, with their health',
    load: async () => (await import('./farms.ts')).run,
  },
};

function usage(): string {
  const names = Object.keys(subcommands).sort();
  const width = Math.max(...names.map((n) => n.length));
  return (
    'Usage: agromesh <command> [options]\n\nCommands:\n' +
    names.map((n) => `  ${n.padEnd(width)}  ${subcommands[n]!.summary}`).join('\n') +
    '\n\nRun "agromesh <command> --help" for a command\'s options.\n'
  );
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.stdout(`${AGROMESH_VERSION}\n`);
    return 0;
  }
  const entry = subcommands[name];
  if (!entry) {
    io.stderr(`agromesh: unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  try {
    return await (
      await entry.load()
    )(rest, io);
  } catch (err) {
    if (err instanceof AgromeshError) {
      io.stderr(`agromesh ${name}: ${err.message} [${err.code}]\n`);
      return 1;
    }
    throw err;
  }
}
