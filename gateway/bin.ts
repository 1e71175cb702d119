/**
 * Entry of the self-contained gateway binary (`npm run dist:gateway`, scripts/dist/gateway.ts bundles
 * this file into one CommonJS script for a Node single-executable application, hence no top-level await):
 * `agromesh-gateway [options]` runs the gateway, `agromesh-gateway join …` enrolls the computer.
 */
import { AgromeshError } from '../protocol/errors.ts';
import { AGROMESH_VERSION } from '../kit/version.ts';
import { run } from './cli.ts';
import { runJoin } from './join-cli.ts';

// node:sqlite still announces itself as experimental; keep other warnings.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'ExperimentalWarning') console.error(w);
});

async function main(argv: string[]): Promise<number> {
  const io = {
    stdout: (t: string) => void process.stdout.write(t),
    stderr: (t: string) => void process.stderr.write(t),
    env: process.env,
  };
  if (argv[0] === '--version') {
    io.stdout(`${AGROMESH_VERSION}\n`);
    return 0;
  }
  if (argv[0] === 'join') return runJoin(argv.slice(1), io);
  const stopSignal = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  return run(argv, { ...io, stopSignal });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      err instanceof AgromeshError
        ? `agromesh-gateway: ${err.message} [${err.code}]\n`
        : `agromesh-gateway: ${String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
