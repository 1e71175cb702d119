/**
 * Figures for docs/reliability.md. Each suite file saves its own fragment (test-results/netbed/<name>.json,
 * ignored by git) when it finishes; `npm run docs:reliability` turns the fragments present into the
 * document, so it shows the latest run of each section with its time. A test run never touches the
 * tracked document itself. Nothing here is hand-written: the run produces it.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FRAGMENTS = join(ROOT, 'test-results', 'netbed');
const DOC = join(ROOT, 'docs', 'reliability.md');

export interface FaultRow {
  fault: string;
  scenario: string;
  outcome: string;
  lost: number;
  duplicates: number;
  passed: boolean;
}
export interface LoadRow {
  scenario: string;
  figure: string;
  rule: string;
  passed: boolean;
}
export interface BadInputRow {
  target: string;
  kind: string;
  tries: number;
  clearErrors: number;
  crashes: number;
  passed: boolean;
}
export interface AuthRow {
  check: string;
  attempts: number;
  unauthorizedSucceeded: number;
  passed: boolean;
}

/** One attack of the security suite: what it should get, what it got, how many times it was tried. */
export interface AttackRow {
  attack: string;
  expected: string;
  observed: string;
  tries: number;
  passed: boolean;
}

export interface Fragment {
  section: string;
  title: string;
  ranAt: string;
  where: string;
  faults: FaultRow[];
  load: LoadRow[];
  badInputs: BadInputRow[];
  auth: AuthRow[];
  attacks?: AttackRow[];
  notes: string[];
}

export function newFragment(section: string, title: string, where: string): Fragment {
  return {
    section,
    title,
    ranAt: new Date().toISOString(),
    where,
    faults: [],
    load: [],
    badInputs: [],
    auth: [],
    attacks: [],
    notes: [],
  };
}

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(header: string[], rows: string[][]): string {
  if (rows.length === 0) return '';
  return (
    [
      `| ${header.join(' | ')} |`,
      `| ${header.map(() => '---').join(' | ')} |`,
      ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
    ].join('\n') + '\n'
  );
}

/** Record one authorization check in a fragment; passed when no unauthorized action succeeded. */
export function authRow(
  f: Fragment,
  check: string,
  attempts: number,
  unauthorizedSucceeded: number,
): AuthRow {
  const r = { check, attempts, unauthorizedSucceeded, passed: unauthorizedSucceeded === 0 };
  f.auth.push(r);
  return r;
}

const mark = (ok: boolean) => (ok ? 'pass' : '**FAIL**');

export function saveFragment(f: Fragment): void {
  mkdirSync(FRAGMENTS, { recursive: true });
  writeFileSync(join(FRAGMENTS, `${f.section}.json`), JSON.stringify(f, null, 2));
}

export function writeReliabilityDoc(): void {
  const frags: Fragment[] = existsSync(FRAGMENTS)
    ? readdirSync(FRAGMENTS)
        .filter((n) => n.endsWith('.json'))
        .map((n) => JSON.parse(readFileSync(join(FRAGMENTS, n), 'utf8')) as Fragment)
        .sort((a, b) => a.section.localeCompare(b.section))
    : [];
  const faults = frags.flatMap((f) => f.faults);
  const load = frags.flatMap((f) => f.load);
  const bad = frags.flatMap((f) => f.badInputs);
  const auth = frags.flatMap((f) => f.auth);
  const attacks = frags.flatMap((f) => f.attacks ?? []);
  const lost = faults.reduce((n, r) => n + r.lost + r.duplicates, 0);
  const unauthorized = auth.reduce((n, r) => n + r.unauthorizedSucceeded, 0);
  const crashes = bad.reduce((n, r) => n + r.crashes, 0);
  const out: string[] = [];
  out.push('# Reliability and security report');
  out.push('');
  out.push(
    '_Generated from the last netbed, realnet and security runs (`npm test`, then `npm run docs:reliability`); do not edit by hand. Each section shows when it last ran._',
  );
  out.push('');
  out.push(
    `Machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}.`,
  );
  out.push('');
  out.push('## Summary');
  out.push('');
  out.push(
    `- Faults survived: ${faults.filter((r) => r.passed).length} of ${faults.length}; readings or commands lost or duplicated: **${lost}**.`,
  );
  out.push(`- Load scenarios held: ${load.filter((r) => r.passed).length} of ${load.length}.`);
  out.push(
    `- Bad inputs tried: ${bad.reduce((n, r) => n + r.tries, 0)} in ${bad.length} kinds; server crashes: **${crashes}**.`,
  );
  out.push(
    `- Authorization checks: ${auth.reduce((n, r) => n + r.attempts, 0)} attempts; unauthorized actions that succeeded: **${unauthorized}**.`,
  );
  out.push(
    `- Attacks tried: ${attacks.reduce((n, r) => n + r.tries, 0)} in ${attacks.length} kinds; answered as expected: ${attacks.filter((r) => r.passed).length} of ${attacks.length}.`,
  );
  out.push('');
  for (const f of frags) {
    out.push(`## ${f.title}`);
    out.push('');
    out.push(`_Ran ${f.ranAt} — ${f.where}_`);
    out.push('');
    out.push(
      table(
        ['Fault', 'Scenario', 'Outcome', 'Lost', 'Duplicated', 'Rule'],
        f.faults.map((r) => [
          r.fault,
          r.scenario,
          r.outcome,
          String(r.lost),
          String(r.duplicates),
          mark(r.passed),
        ]),
      ),
    );
    out.push(
      table(
        ['Load', 'Figure', 'Pass rule', 'Result'],
        f.load.map((r) => [r.scenario, r.figure, r.rule, mark(r.passed)]),
      ),
    );
    out.push(
      table(
        ['Target', 'Bad input kind', 'Tries', 'Clear errors', 'Crashes', 'Result'],
        f.badInputs.map((r) => [
          r.target,
          r.kind,
          String(r.tries),
          String(r.clearErrors),
          String(r.crashes),
          mark(r.passed),
        ]),
      ),
    );
    out.push(
      table(
        ['Check', 'Attempts', 'Unauthorized succeeded', 'Result'],
        f.auth.map((r) => [r.check, String(r.attempts), String(r.unauthorizedSucceeded), mark(r.passed)]),
      ),
    );
    out.push(
      table(
        ['Attack', 'Expected answer', 'Observed answer', 'Tries', 'Result'],
        (f.attacks ?? []).map((r) => [r.attack, r.expected, r.observed, String(r.tries), mark(r.passed)]),
      ),
    );
    for (const n of f.notes) out.push(`- ${n}`);
    out.push('');
  }
  mkdirSync(join(ROOT, 'docs'), { recursive: true });
  writeFileSync(DOC, out.filter((l, i, a) => !(l === '' && a[i - 1] === '')).join('\n') + '\n');
}
