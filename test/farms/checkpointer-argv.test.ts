import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { workerExecArgv } from '../../main/core/farms/checkpointer.ts';

describe('checkpointer worker flags', () => {
  it('drops --expose-gc (passed by npm run bench) so the checkpoint worker can start', async () => {
    const argv = workerExecArgv([
      '--expose-gc',
      '--max-old-space-size=512',
      '--disable-warning=ExperimentalWarning',
    ]);
    expect(argv).toEqual(['--disable-warning=ExperimentalWarning']);
    const w = new Worker('require("node:worker_threads").parentPort.postMessage(1)', {
      eval: true,
      execArgv: argv,
    });
    const [msg] = (await once(w, 'message')) as [number];
    expect(msg).toBe(1);
    await w.terminate();
  });
});
