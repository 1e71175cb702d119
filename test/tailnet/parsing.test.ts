import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hujsonToJson, parseHujson } from '../../kit/tailscale/hujson.ts';
import {
  quoteUnsafeIntegers,
  int64String,
  parseLosslessJson,
  rawInt64,
} from '../../kit/tailscale/lossless-json.ts';
import { chooseTailnetBackend, createTailscaleManager } from '../../main/core/tailnet/factory.ts';
import { controlPlaneMessage, retryAfterMs } from '../../main/core/tailnet/http.ts';
import { parseDuration } from '../../protocol/duration.ts';
import { fixtureText } from './helpers.ts';

describe('lossless JSON', () => {
  it('keeps every int64 exact and leaves floats, safe numbers and strings alone', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc
          .double({ noNaN: true, noDefaultInfinity: true })
          .filter((d) => !Number.isInteger(d) || Number.isSafeInteger(d)),
        (big, dbl) => {
          const text = `{"id":${big.toString()},"d":${JSON.stringify(dbl)},"s":"${big.toString()}"}`;
          const v = parseLosslessJson(text) as { id: number | string; d: number; s: string };
          expect(int64String(v.id)).toBe(big.toString());
          expect(v.d).toBe(JSON.parse(JSON.stringify(dbl)));
          expect(v.s).toBe(big.toString());
          expect(JSON.parse(quoteUnsafeIntegers(text)).id.toString()).toBe(
            Number.isSafeInteger(Number(big)) ? Number(big).toString() : big.toString(),
          );
        },
      ),
    );
  });

  it('matches the fixture user 2^53+1 to its User key (plain JSON.parse would not)', () => {
    const text = fixtureText('localapi-status.json');
    const lossy = JSON.parse(text) as {
      Peer: Record<string, { UserID: number }>;
      User: Record<string, unknown>;
    };
    const nas = lossy.Peer['nodekey:2222222222222222222222222222222222222222222222222222222222222222']!;
    expect(lossy.User[String(nas.UserID)]).toBeUndefined(); // the bug this module exists for
    const exact = parseLosslessJson(text) as typeof lossy;
    expect(
      exact.User[
        String(exact.Peer['nodekey:2222222222222222222222222222222222222222222222222222222222222222']!.UserID)
      ],
    ).toBeDefined();
  });

  it('writes int64s back as bare numbers', () => {
    expect(JSON.stringify({ id: rawInt64('9007199254740993') })).toBe('{"id":9007199254740993}');
    expect(() => rawInt64('1.5')).toThrow();
  });

  it('ignores digits inside strings when quoting in the fallback path', () => {
    expect(
      quoteUnsafeIntegers('{"a":"x 12345678901234567890 \\" 98765432109876543210","b":12345678901234567890}'),
    ).toBe('{"a":"x 12345678901234567890 \\" 98765432109876543210","b":"12345678901234567890"}');
  });
});

describe('HuJSON', () => {
  it('reads comments and trailing commas, keeping comment-like text inside strings', () => {
    const text = '{\n  // c\n  "url": "http://x//y", /* block */ "a": [1, 2,],\n  "b": {"c": 1,},\n}';
    expect(parseHujson(text)).toEqual({ url: 'http://x//y', a: [1, 2], b: { c: 1 } });
    expect(hujsonToJson(text).length).toBe(text.length);
    expect(() => parseHujson('{ "a": }')).toThrow(SyntaxError);
  });
});

describe('backend choice and HTTP helpers', () => {
  it('picks Headscale, then API credentials, then the local tailscaled', () => {
    expect(
      chooseTailnetBackend({ env: { HEADSCALE_URL: 'http://hs', TS_API_KEY: 'tskey-api-x' } }).kind,
    ).toBe('headscale');
    expect(chooseTailnetBackend({ env: { TS_API_KEY: 'tskey-api-x' } }).kind).toBe('api-v2');
    expect(
      chooseTailnetBackend({ env: { TS_OAUTH_CLIENT_ID: 'id', TS_OAUTH_CLIENT_SECRET: 's' } }).kind,
    ).toBe('api-v2');
    expect(chooseTailnetBackend({ env: {} }).kind).toBe('localapi');
    expect(chooseTailnetBackend({ backend: 'localapi', env: { TS_API_KEY: 'tskey-api-x' } }).kind).toBe(
      'localapi',
    );
    expect(() => chooseTailnetBackend({ apiUrl: 'http://x', env: {} })).toThrow(/TS_API_KEY/);
    expect(() => createTailscaleManager({ env: { TS_OAUTH_CLIENT_ID: 'id' } })).toThrow(
      /both TS_OAUTH_CLIENT_ID and TS_OAUTH_CLIENT_SECRET/,
    );
    expect(() => createTailscaleManager({ env: { HEADSCALE_URL: 'http://hs' } })).toThrow(
      /headscale apikeys create/,
    );
  });

  it('reads Retry-After as seconds or a date, and error bodies of every control plane', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('Thu, 20 Aug 2026 12:00:10 GMT', Date.parse('2026-08-20T12:00:00Z'))).toBe(10_000);
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(controlPlaneMessage(fixtureText('api-v2-acl-update-test-failed.json'))).toMatchObject({
      message: 'test(s) failed',
      data: [{ user: 'user1@example.com' }],
    });
    expect(controlPlaneMessage('{"code":5,"message":"node not found","details":[]}').message).toBe(
      'node not found',
    );
    expect(controlPlaneMessage('{"error":"invalid_client","error_description":"bad secret"}').message).toBe(
      'invalid_client: bad secret',
    );
    expect(controlPlaneMessage('Unauthorized\n').message).toBe('Unauthorized');
  });

  it('parses key expiry durations', () => {
    expect(parseDuration('90d')).toBe(90 * 86_400);
    expect(parseDuration('12h')).toBe(43_200);
    expect(parseDuration('3600')).toBe(3600);
    expect(() => parseDuration('soon')).toThrow(/not a duration/);
  });
});
