/**
 * The app's Headscale backend against real Headscale, run by the ns-agent inside Headscale's namespace
 * (the API on loopback there). Results cross as JSON.
 */
import { createHeadscaleManager } from '../../../main/core/tailnet/headscale-backend.ts';

function manager(url: string, apiKey: string) {
  return createHeadscaleManager({
    url,
    apiKey,
    user: 'ops',
    baseDomain: 'farms.test',
    retry: { attempts: 1 },
  });
}

export async function devices(url: string, apiKey: string) {
  const m = manager(url, apiKey);
  try {
    return (await m.listDevices()).map((d) => ({
      id: d.id,
      name: d.name,
      tags: d.tags,
      online: d.online,
      ipv4: d.ipv4,
    }));
  } finally {
    await m.dispose?.();
  }
}

export async function setTags(url: string, apiKey: string, deviceId: string, tags: string[]) {
  const m = manager(url, apiKey);
  try {
    await m.setTags(deviceId, tags);
    return (await m.listDevices()).find((d) => d.id === deviceId)?.tags ?? null;
  } finally {
    await m.dispose?.();
  }
}

/** A tagged, single-use pre-auth key, as the onboarding dialog mints it. */
export async function mintFarmKey(url: string, apiKey: string) {
  const m = manager(url, apiKey);
  try {
    const key = await m.createAuthKey({ tags: ['tag:farm'], reusable: false, expirySeconds: 3600 });
    const listed = await m.listAuthKeys();
    return {
      key: key.key,
      id: key.id,
      listed: listed.map((k) => ({ id: k.id, tags: k.tags, invalid: k.invalid })),
    };
  } finally {
    await m.dispose?.();
  }
}

export async function policyRoundTrip(url: string, apiKey: string, broken: string) {
  const m = manager(url, apiKey);
  try {
    const current = await m.getPolicy();
    const good = await m.validatePolicy(current.text);
    const bad = await m.validatePolicy(broken);
    const saved = await m.setPolicy(current.text);
    return { length: current.text.length, good, bad, savedLength: saved.text.length };
  } finally {
    await m.dispose?.();
  }
}

/** One raw REST call (for recording fixtures). */
export async function raw(url: string, apiKey: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, text: await res.text() };
}
