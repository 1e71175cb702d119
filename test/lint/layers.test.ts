import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { layers } from '../../eslint.layers.js';

// The layer rule exactly as eslint.config.js applies it, without the type-aware parser setup (the probe
// files do not exist in any tsconfig). Each row of docs/architecture.md: imports that must fail, one that must pass.
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.{ts,tsx}'], languageOptions: { parser: tseslint.parser } }, ...layers],
});

async function violations(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'layers/imports').map((m) => m.message);
}

const use = (line: string) => `${line}\nexport const probe = 1;\n`;

type Row = { file: string; forbidden: string[]; allowed: string };
const rows: Record<string, Row> = {
  'protocol/ (zod only)': {
    file: 'protocol/probe.ts',
    forbidden: [
      "import { isIP } from 'node:net';",
      "import assert from 'assert';",
      "import { ok } from 'undici';",
      "import { app } from 'electron';",
      "import { log } from '../kit/log.ts';",
    ],
    allowed: "import { z } from 'zod';\nimport { Reading } from './farm-api.ts';",
  },
  'protocol/app/ (the contract, zod only)': {
    file: 'protocol/app/probe.ts',
    forbidden: ["import { ipcRenderer } from 'electron';", "import { x } from '../../preload/preload.ts';"],
    allowed: "import { FarmInfo } from '../farm-api.ts';",
  },
  'kit/ (protocol/)': {
    file: 'kit/probe.ts',
    forbidden: [
      "import { x } from '../main/core/app-core.ts';",
      "import { x } from '../gateway/gateway.ts';",
      "import { app } from 'electron';",
    ],
    allowed:
      "import { readFileSync } from 'node:fs';\nimport { AgromeshError } from '../protocol/errors.ts';",
  },
  'main/core/ (protocol/, kit/, registry/)': {
    file: 'main/core/probe.ts',
    forbidden: [
      "import { app } from 'electron';",
      "import { x } from '../../preload/preload.ts';",
      "import { x } from '../../sim/tailnet/server.ts';",
      "import type { X } from '../../gateway/gateway.ts';",
      "import { x } from '../electron/main.ts';",
      "const m = await import('../../renderer/src/App.tsx');",
    ],
    allowed:
      "import { startRegistry } from '../../registry/server.ts';\nimport { openDatabase } from '../../kit/sqlite.ts';",
  },
  'main/electron/ (core, electron)': {
    file: 'main/electron/probe.ts',
    forbidden: [
      "import { App } from '../../renderer/src/App.tsx';",
      "import { startGateway } from '../../gateway/gateway.ts';",
      "import { x } from '../../sim/demo-world.ts';",
      "import { x } from '../cli/main.ts';",
    ],
    allowed: "import { app } from 'electron';\nimport { createAppCore } from '../core/app-core.ts';",
  },
  'main/cli/ (everything but the renderer)': {
    file: 'main/cli/probe.ts',
    forbidden: ["import { App } from '../../renderer/src/App.tsx';", "import { app } from 'electron';"],
    allowed: "const g = await import('../../gateway/main.ts');\nimport { x } from '../../sim/demo-world.ts';",
  },
  'preload/ (electron, protocol/)': {
    file: 'preload/probe.ts',
    forbidden: ["import { x } from '../main/core/app-core.ts';", "import { readFileSync } from 'node:fs';"],
    allowed:
      "import { contextBridge } from 'electron';\nimport { operations } from '../protocol/app/index.ts';",
  },
  'renderer/ (protocol/, its UI packages)': {
    file: 'renderer/src/probe.tsx',
    forbidden: [
      "import { readFileSync } from 'node:fs';",
      "import fs from 'fs';",
      "import { ipcRenderer } from 'electron';",
      "import { createAppCore } from '../../main/core/app-core.ts';",
      "import { x } from '../../preload/preload.ts';",
      "import { log } from '../../kit/log.ts';",
    ],
    allowed:
      "import { Button } from '@mui/material';\nimport { operations } from '../../protocol/app/index.ts';",
  },
  'gateway/ (protocol/, kit/)': {
    file: 'gateway/probe.ts',
    forbidden: [
      "import { x } from '../main/core/x.ts';",
      "import { startRegistry } from '../registry/server.ts';",
      "import { operations } from '../preload/preload.ts';",
      "import { app } from 'electron';",
    ],
    allowed: "import { FarmInfo } from '../protocol/farm-api.ts';\nimport { createServer } from 'node:http';",
  },
  'registry/ (protocol/, kit/)': {
    file: 'registry/probe.ts',
    forbidden: [
      "import { x } from '../main/core/app-core.ts';",
      "import { x } from '../gateway/gateway.ts';",
      "import { x } from 'undici';",
    ],
    allowed:
      "import { openDatabase } from '../kit/sqlite.ts';\nimport { FarmRecord } from '../protocol/discovery-api.ts';",
  },
  'sim/ (protocol/, kit/, registry/; core and gateway as types)': {
    file: 'sim/probe.ts',
    forbidden: [
      "import { createAppCore } from '../main/core/app-core.ts';",
      "import { startGateway } from '../gateway/gateway.ts';",
      "import { x } from '../main/cli/main.ts';",
    ],
    allowed:
      "import type { AppCore } from '../main/core/app-core.ts';\nimport { startRegistry } from '../registry/server.ts';",
  },
};

describe('layer rules: every row of the architecture table', () => {
  for (const [name, row] of Object.entries(rows)) {
    it(`${name}: refuses what the row forbids, accepts what it allows`, async () => {
      for (const line of row.forbidden) {
        const found = await violations(row.file, use(line));
        expect(found, line).toHaveLength(1);
        expect(found[0], line).toMatch(/may not import/);
      }
      expect(await violations(row.file, use(row.allowed))).toEqual([]);
    });
  }

  it('refuses a dynamic import it cannot read, and explains a type-only allowance', async () => {
    expect(
      await violations('main/core/probe.ts', use('const m = await import(process.env.X ?? "");')),
    ).toEqual([expect.stringMatching(/literal path/)]);
    expect(
      await violations('sim/probe.ts', use("import { startGateway } from '../gateway/gateway.ts';")),
    ).toEqual([expect.stringMatching(/types only: use `import type`/)]);
    expect(
      await violations('sim/probe.ts', use("export type { AppCore } from '../main/core/app-core.ts';")),
    ).toEqual([]);
  });

  it('leaves tests, benchmarks and scripts free', async () => {
    expect(
      await violations(
        'test/probe.ts',
        use("import { x } from '../renderer/src/App.tsx';\nimport { app } from 'electron';"),
      ),
    ).toEqual([]);
  });
});
