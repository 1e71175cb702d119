/**
 * `npm run bench`: runs every benchmark in bench/ (one child process each, so they don't disturb each
 * other's heap and event loop), prints their output, and records it in docs/benchmarks.md with the date
 * and machine. Benchmarks report ratios against baselines measured in the same run; machines are noisy.
 * Builds what a benchmark needs first (the renderer for renderer-map). A failing benchmark fails the run,
 * and docs/benchmarks.md is rewritten only from a complete run in which every benchmark succeeded.
 * `npm run bench -- NAME…` runs only benchmarks whose file name contains one of the NAMEs.
 * A benchmark whose JSON has `markdown` (text for its section, above the output) and `files` (name →
 * content, e.g. a plot) gets them out of the recorded output; the files are written to docs/ under the same
 * rule as docs/benchmarks.md (complete run, every benchmark succeeded).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_')) // _name.ts: helpers, not benchmarks
  .filter((f) => filters.length === 0 || filters.some((n) => f.includes(n)))
  .sort();

const sections: string[] = [];
const docFiles = new Map<string, string>();
let failed = 0;

/** Split a benchmark's `markdown` and `files` off its JSON output (other output is recorded as printed). */
function extractDocs(output: string): { output: string; markdown: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch {
    return { output, markdown: '' };
  }
  if (typeof parsed !== 'object' || parsed === null || !('markdown' in parsed || 'files' in parsed))
    return { output, markdown: '' };
  const { markdown, files, ...rest } = parsed as { markdown?: unknown; files?: unknown };
  if (files && typeof files === 'object')
    for (const [name, content] of Object.entries(files))
      if (/^[a-z0-9-]+\.svg$/.test(name) && typeof content === 'string') docFiles.set(name, content);
  return {
    output: JSON.stringify(rest, null, 2),
    markdown: typeof markdown === 'string' ? `${markdown.trim()}\n\n` : '',
  };
}
if (files.some((f) => f.startsWith('renderer-'))) {
  console.log('\n=== building the renderer (npm run build:renderer) ===');
  const b = spawnSync('npm', ['run', 'build:renderer'], { stdio: 'inherit', timeout: 5 * 60_000 });
  if (b.status !== 0) {
    console.error(`renderer build failed (exit ${String(b.status)})`);
    failed++;
  }
}
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const started = Date.now();
  const r = spawnSync(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', '--expose-gc', join(here, file)],
    {
      encoding: 'utf8',
      timeout: 10 * 60_000,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const { output, markdown } = extractDocs((r.stdout ?? '').trim());
  console.log(output);
  if (r.status !== 0) {
    failed++;
    console.error(r.stderr);
  }
  sections.push(
    `## ${file}\n\n${r.status === 0 ? '' : `**failed** (exit ${String(r.status)})\n\n`}` +
      markdown +
      '```\n' +
      output +
      '\n```\n\n' +
      `_took ${((Date.now() - started) / 1000).toFixed(1)} s_\n`,
  );
}

if (filters.length === 0 && failed === 0) {
  const header =
    `# Benchmarks\n\nLatest \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ` +
    `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}.\n` +
    'Each figure is compared with a baseline measured in the same run (ratios hold up on a shared, noisy machine; absolute times do not).\n\n';
  writeFileSync(join(here, '..', 'docs', 'benchmarks.md'), header + sections.join('\n'));
  for (const [name, content] of docFiles) writeFileSync(join(here, '..', 'docs', name), content);
} else if (filters.length === 0)
  console.error(`${String(failed)} step(s) failed: docs/benchmarks.md and its plots left unchanged`);
process.exitCode = failed > 0 ? 1 : 0;
