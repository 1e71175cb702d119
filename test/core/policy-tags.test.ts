import { describe, expect, it } from 'vitest';
import { AgromeshError } from '../../protocol/errors.ts';
import { policyTags, tagRefusal } from '../../main/core/tailnet/policy-tags.ts';

describe('tags from the tailnet policy', () => {
  it('lists the tagOwners of a HuJSON policy, and nothing for a policy it cannot read', () => {
    const text = `{
      // who may apply which tag
      "tagOwners": { "tag:farm": ["autogroup:admin"], "tag:registry": [], "not-a-tag": [], },
      "grants": [],
    }`;
    expect(policyTags(text)).toEqual(['tag:farm', 'tag:registry']);
    expect(policyTags('{ "grants": [] }')).toEqual([]);
    expect(policyTags('{ broken')).toEqual([]);
  });

  it('says which tag the policy refused, on which device, and what to do; other errors pass through', () => {
    const raw = new AgromeshError(
      'TAILNET_REJECTED',
      'requested tags [tag:ops tag:x] are invalid or not permitted',
    );
    const plain = tagRefusal(raw, 'north-gw', ['tag:ops', 'tag:x']) as AgromeshError;
    expect(plain.code).toBe('TAILNET_REJECTED');
    expect(plain.message).toMatch(
      /^The tailnet policy does not allow tag:ops, tag:x on north-gw: .*tagOwners/,
    );
    expect(plain.message).not.toMatch(/restart|nodeid|\d{6,}/i);
    const other = new AgromeshError('UNAVAILABLE', 'control plane down');
    expect(tagRefusal(other, 'north-gw', [])).toBe(other);
  });
});
