// The architecture's layers as one import rule: each row of docs/architecture.md says which folders and
// packages a layer may import. Kept apart from eslint.config.js so test/lint/layers.test.ts can prove every row.
import { builtinModules } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const builtins = new Set(builtinModules);

/**
 * `folders`: repository folders (or root files) the layer may import at runtime; `types`: folders it may
 * import types from only; `packages`: npm packages; `node`: whether Node's built-in modules are allowed.
 * The first row whose folder holds the file applies; files in no row (tests, benchmarks, scripts) may import anything.
 */
export const architecture = [
  {
    layer: 'protocol/',
    folders: ['protocol/'],
    packages: ['zod'],
    node: false,
    owns: 'pure wire and app model, imported by the renderer',
  },
  {
    layer: 'kit/',
    folders: ['kit/', 'protocol/', 'package.json'],
    packages: ['zod', 'prom-client'],
    node: true,
    owns: 'Node helpers shared by every program',
  },
  {
    layer: 'main/core/',
    folders: ['main/core/', 'protocol/', 'kit/', 'registry/'],
    packages: ['zod', 'undici', 'ws'],
    node: true,
    owns: 'the Node core, which runs without Electron',
  },
  {
    layer: 'main/electron/',
    folders: ['main/electron/', 'main/core/', 'protocol/', 'kit/'],
    packages: ['electron', 'electron-store', 'zod'],
    node: true,
    owns: 'thin Electron adapters over the core',
  },
  {
    layer: 'main/cli/',
    folders: ['main/cli/', 'main/core/', 'protocol/', 'kit/', 'registry/', 'gateway/', 'sim/'],
    packages: ['zod', 'undici', 'ws'],
    node: true,
    owns: 'the headless composition root (everything but the renderer and the shell)',
  },
  {
    layer: 'preload/',
    folders: ['preload/', 'protocol/'],
    packages: ['electron'],
    node: false,
    owns: 'the bridge only',
  },
  {
    layer: 'renderer/src/',
    folders: ['renderer/src/', 'protocol/'],
    packages: ['react', 'react-dom', '@mui/*', '@emotion/*', 'recharts', 'qrcode-generator'],
    node: false,
    owns: 'the UI, which reaches the core only through window.agromesh',
  },
  // prettier: openapi.ts formats the generated document when the dev dependency is there (a dynamic, optional import).
  {
    layer: 'gateway/',
    folders: ['gateway/', 'protocol/', 'kit/'],
    packages: ['zod', 'ws', 'prettier'],
    node: true,
    owns: 'the farm-side program, which shares only protocol/ and kit/ with the app',
  },
  {
    layer: 'registry/',
    folders: ['registry/', 'protocol/', 'kit/'],
    packages: ['zod'],
    node: true,
    owns: 'the discovery registry program',
  },
  {
    layer: 'sim/',
    folders: ['sim/', 'protocol/', 'kit/', 'registry/'],
    types: ['main/core/', 'gateway/'],
    packages: ['zod', 'ws'],
    node: true,
    owns: 'the simulated tailnet, which sees the core and the gateway only as types',
  },
];

const rowOf = (file) => architecture.find((row) => file.startsWith(row.layer));
const inFolder = (path, folders) => folders.some((f) => (f.endsWith('/') ? path.startsWith(f) : path === f));
const packageName = (spec) =>
  spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
const packageAllowed = (name, packages) =>
  packages.some((p) => (p.endsWith('/*') ? name.startsWith(p.slice(0, -1)) : name === p));

/** Why `spec`, imported from `file` (repository-relative), breaks its row; undefined when allowed. */
export function layerProblem(file, spec, typeOnly) {
  const row = rowOf(file);
  if (!row) return undefined;
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const target = relative(root, resolve(root, dirname(file), spec)).replaceAll('\\', '/');
    if (inFolder(target, row.folders)) return undefined;
    if (typeOnly && inFolder(target, row.types ?? [])) return undefined;
    const hint = inFolder(target, row.types ?? []) ? ' (types only: use `import type`)' : '';
    return `${row.layer} may not import ${target}${hint}: ${row.layer} is ${row.owns}.`;
  }
  const bare = spec.startsWith('node:') ? spec.slice(5) : spec;
  if (spec.startsWith('node:') || builtins.has(bare.split('/')[0])) {
    return row.node ? undefined : `${row.layer} may not import Node's ${spec}: ${row.layer} is ${row.owns}.`;
  }
  if (packageAllowed(packageName(spec), row.packages)) return undefined;
  return `${row.layer} may not import the package ${packageName(spec)}: ${row.layer} is ${row.owns} (allowed: ${row.packages.join(', ')}).`;
}

const importsRule = {
  meta: { type: 'problem', schema: [], docs: { description: 'Imports follow the architecture table.' } },
  create(context) {
    const file = relative(root, context.filename).replaceAll('\\', '/');
    if (!rowOf(file)) return {};
    const check = (node, source, typeOnly) => {
      if (source?.type !== 'Literal' || typeof source.value !== 'string') {
        context.report({
          node,
          message: 'A dynamic import needs a literal path, so the layer rules can check it.',
        });
        return;
      }
      const problem = layerProblem(file, source.value, typeOnly);
      if (problem) context.report({ node, message: problem });
    };
    const allTypes = (node) =>
      node.importKind === 'type' ||
      node.exportKind === 'type' ||
      (node.specifiers?.length > 0 &&
        node.specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type'));
    return {
      ImportDeclaration: (node) => check(node, node.source, allTypes(node)),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source, allTypes(node)),
      ExportAllDeclaration: (node) => check(node, node.source, node.exportKind === 'type'),
      ImportExpression: (node) => check(node, node.source, false),
    };
  },
};

export const layers = [
  {
    files: ['**/*.{ts,tsx,js}'],
    plugins: { layers: { rules: { imports: importsRule } } },
    rules: { 'layers/imports': 'error' },
  },
];
