import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { layers } from '../../eslint.layers.js';

// The layer rules exactly as eslint.config.js applies them, without the type-aware parser setup
// (the probe files do not exist in any tsconfig).
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.{ts,tsx}'], languageOptions: { parser: tseslint.parser } }, ...layers],
});

async function violations(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rules', () => {
  it('reject a Node-core file that imports electron', async () => {
    const found = await violations('main/core/probe.ts', "import { app } from 'electron';\nexport const a = app;\n");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/run without Electron/);
  });

  it('reject a renderer file that imports node:fs or main code', async () => {
    expect(await violations('renderer/src/probe.tsx', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n")).toEqual([
      expect.stringMatching(/never touches Node/),
    ]);
    expect(await violations('renderer/src/probe.ts', "import fs from 'fs';\nexport default fs;\n")).toHaveLength(1);
    expect(
      await violations('renderer/src/views/probe.ts', "import { createAppCore } from '../../../main/core/app-core.ts';\nexport default createAppCore;\n"),
    ).toEqual([expect.stringMatching(/main-process code/)]);
  });

  it('keep the gateway independent of the app and protocol/ pure', async () => {
    expect(await violations('gateway/probe.ts', "import { x } from '../main/core/x.ts';\nexport default x;\n")).toHaveLength(1);
    expect(await violations('protocol/probe.ts', "import { isIP } from 'node:net';\nexport default isIP;\n")).toHaveLength(1);
    expect(await violations('main/core/probe.ts', "import { s } from '../../sim/tailnet/x.ts';\nexport default s;\n")).toHaveLength(1);
  });

  it('allow what the architecture allows', async () => {
    expect(await violations('renderer/src/probe.ts', "import { operations } from '../../preload/contract.ts';\nexport default operations;\n")).toEqual([]);
    expect(await violations('gateway/probe.ts', "import { FarmInfo } from '../protocol/farm-api.ts';\nimport { createServer } from 'node:http';\nexport default [FarmInfo, createServer];\n")).toEqual([]);
    expect(await violations('main/electron/probe.ts', "import { app } from 'electron';\nexport default app;\n")).toEqual([]);
  });
});
