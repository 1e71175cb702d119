// The architecture's layers as import rules (see docs/architecture.md). Kept apart from eslint.config.js
// so a test can prove that a violation fails lint.
const nodeBuiltins =
  '^(node:.*|fs|path|os|child_process|net|http|https|http2|crypto|url|util|stream|events|worker_threads|dgram|dns|tls|zlib|vm|module|process|buffer|cluster|readline|v8|perf_hooks|async_hooks|inspector|timers)(/.*)?$';

const rule = (...patterns) => ['error', { patterns: patterns.map(([regex, message]) => ({ regex, message })) }];

const electron = ['^electron(/.*)?$', 'Only main/electron/ and preload/preload.ts may import electron.'];
const mainAny = ['(^|/)main/', 'This layer may not import the app (main/).'];
const gatewayAny = ['(^|/)gateway/', 'Only the CLI may import the farm gateway program.'];
const simAny = ['(^|/)sim/', 'The simulated tailnet is for the demo and tests only.'];
const rendererAny = ['(^|/)renderer/', 'Nothing imports the renderer.'];
const kitAny = ['(^|/)kit/', 'This layer may not import Node helpers (kit/).'];
const preloadAny = ['(^|/)preload/', 'Only the renderer and main use the contract.'];

export const layers = [
  {
    files: ['protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': rule(
        [nodeBuiltins, 'protocol/ is pure: the renderer imports it, so no Node modules.'],
        electron,
        mainAny,
        kitAny,
        gatewayAny,
        simAny,
        rendererAny,
        preloadAny,
      ),
    },
  },
  {
    files: ['kit/**/*.ts'],
    rules: { 'no-restricted-imports': rule(electron, mainAny, gatewayAny, simAny, rendererAny, preloadAny) },
  },
  {
    files: ['main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': rule(
        ['^electron(/.*)?$', 'main/core is the Node core: it must run without Electron.'],
        gatewayAny,
        simAny,
        rendererAny,
        ['(^|/)(electron|cli)/', 'main/core may not import the Electron shell or the CLI.'],
      ),
    },
  },
  {
    files: ['gateway/**/*.ts'],
    rules: {
      'no-restricted-imports': rule(
        electron,
        ['(^|/)main/', 'The gateway is its own program: it shares only protocol/ (and kit/) with the app.'],
        simAny,
        rendererAny,
        preloadAny,
      ),
    },
  },
  {
    files: ['sim/**/*.ts'],
    rules: { 'no-restricted-imports': rule(electron, rendererAny, ['(^|/)main/(electron|cli)/', 'sim/ may not import the shell.']) },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': rule(
        [nodeBuiltins, 'The renderer never touches Node: ask the core through the contract.'],
        ['^electron(/.*)?$', 'The renderer never touches Electron: use window.agromesh via api/bridge.ts.'],
        ['(^|/)main/', 'The renderer may not import main-process code.'],
        kitAny,
        gatewayAny,
        simAny,
        ['(^|/)preload/(?!contract\\.ts$)', 'The renderer may import only preload/contract.ts.'],
      ),
    },
  },
  {
    files: ['preload/**/*.ts'],
    rules: { 'no-restricted-imports': rule(mainAny, kitAny, gatewayAny, simAny, rendererAny) },
  },
];
