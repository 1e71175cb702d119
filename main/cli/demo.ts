/** `agromesh demo`: the control room against a built-in simulated tailnet (filled in with the simulator). */
import type { CliIO } from './io.ts';
import { run as runHost } from './host.ts';

export async function run(argv: string[], io: CliIO): Promise<number> {
  return runHost(argv, io);
}
