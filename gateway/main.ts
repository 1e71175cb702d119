/**
 * Standalone entry: `node gateway/main.ts [options]` (what a systemd unit runs when the app's CLI is not
 * installed). Same options as `agromesh gateway`.
 */
// node:sqlite still announces itself as experimental; keep other warnings.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'ExperimentalWarning') console.error(w);
});

const stopSignal = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});

const { AgromeshError } = await import('../protocol/errors.ts');
const { run } = await import('./cli.ts');
try {
  process.exitCode = await run(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    stopSignal,
  });
} catch (err) {
  process.stderr.write(
    err instanceof AgromeshError
      ? `agromesh gateway: ${err.message} [${err.code}]\n`
      : `agromesh gateway: ${String(err)}\n`,
  );
  process.exitCode = 1;
}
