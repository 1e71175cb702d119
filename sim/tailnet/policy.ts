/**
 * A small policy-file checker for the simulator: HuJSON syntax, tag declarations, grant shapes, and the
 * embedded `tests` run against `acls` + `grants` (network part only). Enough to tell a good Agromesh
 * policy from a broken one the way the control plane would; not a full Tailscale policy engine.
 */
import { parseHujson } from '../../kit/tailscale/hujson.ts';

export interface PolicyTestFailure {
  user: string;
  errors: string[];
}

export type PolicyCheck =
  { ok: true; policy: Record<string, unknown> } | { ok: false; message: string; data?: PolicyTestFailure[] };

const TAG = /^tag:[A-Za-z][A-Za-z0-9-]*$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const strs = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** Does `who` (a login or a tag) match a src selector? */
function srcMatches(selector: string, who: string, groups: Obj): boolean {
  if (selector === '*' || selector === who) return true;
  const isTag = who.startsWith('tag:');
  if (selector.startsWith('group:')) return strs(groups[selector]).includes(who);
  if (selector === 'autogroup:member' || selector === 'autogroup:members') return !isTag;
  if (selector === 'autogroup:tagged') return isTag;
  return false;
}

function portMatches(spec: string, port: number): boolean {
  return spec.split(',').some((p) => {
    if (p === '*') return true;
    const [lo, hi] = p.split('-').map(Number);
    return lo !== undefined && port >= lo && port <= (hi ?? lo);
  });
}

function ipRuleMatches(rule: string, port: number): boolean {
  if (rule === '*') return true;
  const spec = rule.includes(':') ? rule.slice(rule.indexOf(':') + 1) : rule;
  return portMatches(spec, port);
}

function allowed(policy: Obj, who: string, host: string, port: number): boolean {
  const groups = isObj(policy.groups) ? policy.groups : {};
  for (const acl of Array.isArray(policy.acls) ? policy.acls : []) {
    if (!isObj(acl) || acl.action !== 'accept') continue;
    const srcs = strs(acl.src ?? acl.users);
    if (!srcs.some((s) => srcMatches(s, who, groups))) continue;
    for (const dst of strs(acl.dst ?? acl.ports)) {
      const cut = dst.lastIndexOf(':');
      const dstHost = dst.slice(0, cut);
      if ((dstHost === '*' || dstHost === host) && portMatches(dst.slice(cut + 1), port)) return true;
    }
  }
  for (const grant of Array.isArray(policy.grants) ? policy.grants : []) {
    if (!isObj(grant)) continue;
    if (!strs(grant.src).some((s) => srcMatches(s, who, groups))) continue;
    if (!strs(grant.dst).some((d) => d === '*' || d === host)) continue;
    if (strs(grant.ip).some((r) => ipRuleMatches(r, port))) return true;
  }
  return false;
}

function referencedTags(policy: Obj): Array<{ where: string; tag: string }> {
  const out: Array<{ where: string; tag: string }> = [];
  const scan = (where: string, values: string[]) => {
    for (const v of values) {
      const m = /^(tag:[^:]+)/.exec(v);
      if (m) out.push({ where, tag: m[1]! });
    }
  };
  const each = (key: string, fields: string[]) => {
    const list = policy[key];
    if (!Array.isArray(list)) return;
    list.forEach((entry, i) => {
      if (!isObj(entry)) return;
      for (const f of fields)
        scan(`${key}[${i}].${f}`, typeof entry[f] === 'string' ? [entry[f]] : strs(entry[f]));
    });
  };
  each('acls', ['src', 'dst', 'users', 'ports']);
  each('grants', ['src', 'dst']);
  each('ssh', ['src', 'dst']);
  each('tests', ['src', 'accept', 'deny']);
  return out;
}

export function checkPolicyText(text: string): PolicyCheck {
  let policy: unknown;
  try {
    policy = parseHujson(text);
  } catch (err) {
    return { ok: false, message: `parsing policy file: ${(err as Error).message}` };
  }
  return checkPolicy(policy);
}

export function checkPolicy(policy: unknown): PolicyCheck {
  if (!isObj(policy)) return { ok: false, message: 'policy file must be a JSON object' };
  const owners = isObj(policy.tagOwners) ? policy.tagOwners : {};
  for (const tag of Object.keys(owners)) {
    if (!TAG.test(tag)) return { ok: false, message: `tagOwners: invalid tag name "${tag}"` };
  }
  for (const { where, tag } of referencedTags(policy)) {
    if (!Object.hasOwn(owners, tag))
      return { ok: false, message: `${where}: tag "${tag}" is not defined in tagOwners` };
  }
  const grants = Array.isArray(policy.grants) ? policy.grants : [];
  for (const [i, g] of grants.entries()) {
    if (!isObj(g) || !Array.isArray(g.src) || !Array.isArray(g.dst)) {
      return { ok: false, message: `grants[${i}]: "src" and "dst" must be arrays` };
    }
    if (g.ip === undefined && g.app === undefined)
      return { ok: false, message: `grants[${i}]: needs "ip" or "app"` };
    if (g.app !== undefined) {
      if (!isObj(g.app)) return { ok: false, message: `grants[${i}].app must be an object` };
      for (const [cap, payload] of Object.entries(g.app)) {
        if (!Array.isArray(payload) || !payload.every(isObj)) {
          return { ok: false, message: `grants[${i}].app["${cap}"] must be an array of objects` };
        }
      }
    }
  }
  const failures: PolicyTestFailure[] = [];
  for (const test of Array.isArray(policy.tests) ? policy.tests : []) {
    if (!isObj(test) || typeof test.src !== 'string')
      return { ok: false, message: 'tests: every test needs a "src"' };
    const errors: string[] = [];
    const run = (list: unknown, want: boolean) => {
      for (const dst of strs(list)) {
        const cut = dst.lastIndexOf(':');
        const got = allowed(policy, test.src as string, dst.slice(0, cut), Number(dst.slice(cut + 1)));
        if (got !== want) {
          errors.push(`address "${dst}": want: ${want ? 'Accept' : 'Drop'}, got: ${got ? 'Accept' : 'Drop'}`);
        }
      }
    };
    run(test.accept, true);
    run(test.deny, false);
    if (errors.length > 0) failures.push({ user: test.src, errors });
  }
  if (failures.length > 0) return { ok: false, message: 'test(s) failed', data: failures };
  return { ok: true, policy };
}
