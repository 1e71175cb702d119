/**
 * Control-plane payload schemas (Tailscale API v2 and Headscale v1), loose: unknown fields are tolerated,
 * optional fields default, and anything a device needs is checked so a malformed answer fails with context.
 */
import { z } from 'zod';

const strings = () =>
  z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? []);

// ---- Tailscale API v2 ------------------------------------------------------------------------------

export const ApiDevice = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String).optional(),
  nodeId: z.string().optional(),
  name: z.string().default(''),
  hostname: z.string().default(''),
  user: z.string().default(''),
  os: z.string().default(''),
  addresses: strings(),
  tags: strings(),
  clientVersion: z.string().default(''),
  updateAvailable: z.boolean().default(false),
  /** May be "" (external devices). */
  created: z.string().nullish(),
  lastSeen: z.string().nullish(),
  connectedToControl: z.boolean().optional(),
  expires: z.string().nullish(),
  keyExpiryDisabled: z.boolean().default(false),
  authorized: z.boolean().default(false),
  isExternal: z.boolean().default(false),
  isEphemeral: z.boolean().optional(),
  nodeKey: z.string().optional(),
  clientConnectivity: z.looseObject({ endpoints: strings(), derp: z.string().optional() }).nullish(),
});
export type ApiDevice = z.infer<typeof ApiDevice>;

export const ApiDeviceList = z.looseObject({ devices: z.array(ApiDevice) });

export const ApiKeyCreated = z.looseObject({
  id: z.string(),
  key: z.string().min(1),
  created: z.string().optional(),
  expires: z.string().nullish(),
  capabilities: z
    .looseObject({
      devices: z.looseObject({ create: z.looseObject({ tags: strings() }).optional() }).optional(),
    })
    .optional(),
  description: z.string().optional(),
});

export const ApiKeyList = z.looseObject({ keys: z.array(z.looseObject({ id: z.string() })) });

/** GET /keys/{id}: metadata only (the secret is never returned again). */
export const ApiKeyInfo = z.looseObject({
  id: z.string(),
  description: z.string().nullish(),
  expires: z.string().nullish(),
  revoked: z.string().nullish(),
  invalid: z.boolean().optional(),
  capabilities: z
    .looseObject({
      devices: z.looseObject({ create: z.looseObject({ tags: strings() }).optional() }).optional(),
    })
    .optional(),
});

/** GET /device/{id}/attributes (fixtures/api-v2-device-attributes.json); GOV2 also reads `expiries`. */
export const ApiAttributes = z.looseObject({
  attributes: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .nullish()
    .transform((v) => v ?? {}),
  expiries: z.record(z.string(), z.string()).nullish(),
});

export const ApiValidateAnswer = z.looseObject({
  message: z.string().optional(),
  data: z
    .array(z.looseObject({ user: z.string().optional(), errors: strings(), warnings: strings() }))
    .nullish(),
});

// ---- Headscale v1 ----------------------------------------------------------------------------------

export const HeadscaleUser = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  name: z.string().default(''),
  displayName: z.string().nullish(),
  email: z.string().nullish(),
});

export const HeadscaleNode = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  name: z.string().default(''),
  givenName: z.string().nullish(),
  ipAddresses: strings(),
  user: HeadscaleUser.nullish(),
  lastSeen: z.string().nullish(),
  expiry: z.string().nullish(),
  createdAt: z.string().nullish(),
  online: z.boolean().default(false),
  /** 0.28+ */
  tags: z.array(z.string()).nullish(),
  /** 0.27 and older */
  forcedTags: strings(),
  validTags: strings(),
  invalidTags: strings(),
});
export type HeadscaleNode = z.infer<typeof HeadscaleNode>;

export const HeadscaleNodeList = z.looseObject({
  nodes: z
    .array(HeadscaleNode)
    .nullish()
    .transform((v) => v ?? []),
});
export const HeadscaleNodeOne = z.looseObject({ node: HeadscaleNode });
export const HeadscaleUsers = z.looseObject({
  users: z
    .array(HeadscaleUser)
    .nullish()
    .transform((v) => v ?? []),
});
export const HeadscalePreAuthKey = z.looseObject({
  preAuthKey: z.looseObject({
    id: z.union([z.string(), z.number()]).transform(String),
    key: z.string().min(1),
    expiration: z.string().nullish(),
    aclTags: strings(),
  }),
});
export const HeadscalePreAuthKeys = z.looseObject({
  preAuthKeys: z
    .array(
      z.looseObject({
        id: z.union([z.string(), z.number()]).transform(String),
        expiration: z.string().nullish(),
        used: z.boolean().optional(),
        reusable: z.boolean().optional(),
        aclTags: strings(),
      }),
    )
    .nullish()
    .transform((v) => v ?? []),
});
export const HeadscalePolicy = z.looseObject({ policy: z.string(), updatedAt: z.string().nullish() });
