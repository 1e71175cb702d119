/** The tags a tailnet policy defines, and a tag refusal from the control plane said in plain words. */
import { parseHujson } from '../../../kit/tailscale/hujson.ts';
import { AgromeshError } from '../../../protocol/errors.ts';

/** The keys of the policy's `tagOwners`, sorted; [] when the policy has none or cannot be read. */
export function policyTags(policyText: string): string[] {
  try {
    const policy = parseHujson(policyText) as { tagOwners?: unknown };
    const owners = policy.tagOwners;
    if (typeof owners !== 'object' || owners === null) return [];
    return Object.keys(owners)
      .filter((t) => /^tag:[a-z0-9-]+$/i.test(t))
      .sort();
  } catch {
    return [];
  }
}

const NOT_PERMITTED =
  /requested tags \[([^\]]*)\] are invalid or not permitted|tag.*(not permitted|not allowed|invalid)/i;

/** Turns "requested tags [tag:x] are invalid or not permitted" into the cause and the fix, naming the device. */
export function tagRefusal(err: unknown, deviceName: string, tags: readonly string[]): unknown {
  if (!(err instanceof AgromeshError)) return err;
  const m = NOT_PERMITTED.exec(err.message);
  if (!m) return err;
  const refused = m[1]?.split(/\s+/).filter(Boolean) ?? [...tags];
  return new AgromeshError(
    'TAILNET_REJECTED',
    `The tailnet policy does not allow ${refused.join(', ')} on ${deviceName}: a tag must be listed in the ` +
      `policy's tagOwners (with you among its owners). Add it to the policy file, or choose one of the tags it has.`,
    { cause: err, details: [{ path: 'tags', message: `not in the policy: ${refused.join(', ')}` }] },
  );
}
