/** /api/v2/device/{id}/…: one device, deleting it, its tags, key expiry, authorization and posture attributes. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApiV2Auth, type Caller, checkTagsPermitted } from './api-v2-auth.ts';
import { fail, jsonBody } from './api-v2-http.ts';
import { reply, splitUrl } from './http-util.ts';
import type { PostureValue, SimDevice, SimTailnet } from './model.ts';
import { apiDeviceJson } from './render.ts';

function deviceById(tailnet: SimTailnet, id: string): SimDevice {
  const d = tailnet.devices().find((x) => x.stableId === id || x.legacyId === id);
  if (!d) throw fail(404, 'device not found');
  return d;
}

/**
 * `id` and `rest` from the path; `postureTypes` remembers each attribute's type (a key keeps its first
 * type, as the real API does). Throws 404 when no route matches.
 */
export async function deviceRoute(
  tailnet: SimTailnet,
  auth: ApiV2Auth,
  caller: Caller,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  rest: string,
  postureTypes: Map<string, string>,
): Promise<void> {
  const { need } = auth;
  const { query } = splitUrl(req);
  const method = req.method ?? 'GET';
  let m: RegExpExecArray | null;
  const d = deviceById(tailnet, id);
  if (rest === '' && method === 'GET') {
    need(caller, 'devices:core:read');
    return reply(res, 200, apiDeviceJson(tailnet, d, { all: query.get('fields') === 'all', single: true }));
  }
  if (rest === '' && method === 'DELETE') {
    need(caller, 'devices:core');
    tailnet.removeDevice(d.stableId);
    return reply(res, 200, undefined);
  }
  if (rest === 'tags' && method === 'POST') {
    need(caller, 'devices:core');
    const body = await jsonBody(req);
    tailnet.setTags(d.stableId, checkTagsPermitted(tailnet, body.tags, caller));
    return reply(res, 200, {});
  }
  if (rest === 'key' && method === 'POST') {
    need(caller, 'devices:core');
    const body = await jsonBody(req);
    if (typeof body.keyExpiryDisabled !== 'boolean') throw fail(400, '"keyExpiryDisabled" must be a boolean');
    tailnet.setKeyExpiry(d.stableId, { disabled: body.keyExpiryDisabled });
    return reply(res, 200, {});
  }
  if (rest === 'authorized' && method === 'POST') {
    need(caller, 'devices:core');
    const body = await jsonBody(req);
    if (typeof body.authorized !== 'boolean') throw fail(400, '"authorized" must be a boolean');
    tailnet.setAuthorized(d.stableId, body.authorized);
    return reply(res, 200, {});
  }
  if (rest === 'attributes' && method === 'GET') {
    need(caller, 'devices:posture_attributes:read');
    const attributes: Record<string, PostureValue> = {
      ...d.posture,
      'node:os': d.os,
      'node:osVersion': '6.1.0',
      'node:tsReleaseTrack': 'stable',
      'node:tsVersion': d.clientVersion,
      'node:tsAutoUpdate': false,
    };
    return reply(res, 200, { attributes, expiries: {} });
  }
  if ((m = /^attributes\/(.+)$/.exec(rest))) {
    const key = decodeURIComponent(m[1]!);
    need(caller, 'devices:posture_attributes');
    if (!/^custom:[A-Za-z0-9_:]+$/.test(key) || key.length > 50) {
      throw fail(
        400,
        `invalid attribute key "${key}": must be custom:-prefixed, at most 50 characters of [A-Za-z0-9_:]`,
      );
    }
    if (method === 'DELETE') {
      tailnet.deletePosture(d.stableId, key);
      return reply(res, 200, {});
    }
    if (method === 'POST') {
      const body = await jsonBody(req);
      const v = body.value;
      const ok =
        (typeof v === 'string' && /^[A-Za-z0-9_.]{0,50}$/.test(v)) ||
        (typeof v === 'number' && Number.isSafeInteger(v)) ||
        typeof v === 'boolean';
      if (!ok)
        throw fail(
          400,
          'invalid attribute value: strings of at most 50 [A-Za-z0-9_.], safe integers or booleans',
        );
      const type = typeof v;
      const fixed = postureTypes.get(key);
      if (fixed !== undefined && fixed !== type)
        throw fail(400, `attribute "${key}" has type ${fixed}, not ${type}`);
      postureTypes.set(key, type);
      tailnet.setPosture(d.stableId, key, v);
      return reply(res, 200, {});
    }
  }
  throw fail(404, 'not found');
}
