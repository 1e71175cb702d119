/** Creates a testbed, prints its prefix, then waits to be SIGKILLed (the smoke test's crashed run). */
import { createTestbed } from '../testbed.ts';

const tb = await createTestbed({ hosts: [{ name: 'x' }, { name: 'y' }] });
process.stdout.write(`PREFIX ${tb.prefix}\n`);
setTimeout(() => process.exit(0), 60_000);
