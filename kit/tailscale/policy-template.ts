/**
 * The Agromesh policy-file template (HuJSON). docs/tailnet.md shows the same text; the CLI's
 * `acl validate` accepts it and the simulator starts with it.
 */
export const AGROMESH_POLICY_TEMPLATE = `{
  // Agromesh tailnet policy. Replace the example logins in "groups" with your people.
  "tagOwners": {
    // Farm gateways join with an auth key tagged tag:farm; the control room may mint such keys.
    "tag:farm": ["autogroup:admin", "tag:controlroom"],
    "tag:controlroom": ["autogroup:admin"],
    "tag:registry": ["autogroup:admin"],
    "tag:monitoring": ["autogroup:admin"],
  },
  "groups": {
    "group:agronomists": ["agronomist@example.com"],
    "group:operators": ["operator@example.com"],
    "group:support": ["support@example.com"],
  },
  "grants": [
    // Network access: people and the control room reach the Farm API (8080) and the registry (8090);
    // farms reach the registry to announce themselves, but not each other.
    { "src": ["autogroup:member", "tag:controlroom"], "dst": ["tag:farm"], "ip": ["tcp:8080"] },
    {
      "src": ["autogroup:member", "tag:controlroom", "tag:farm"],
      "dst": ["tag:registry"],
      "ip": ["tcp:8090"],
    },
    // Prometheus scrapes /metrics on farms and the registry (docs/monitoring.md).
    { "src": ["tag:monitoring"], "dst": ["tag:farm"], "ip": ["tcp:8080"] },
    { "src": ["tag:monitoring"], "dst": ["tag:registry"], "ip": ["tcp:8090"] },
    // Roles: the app capability reaches the gateway through who-is (CapMap). Payload {role, farms?}.
    // "autogroup:self" / the console's own tag in "dst" let the app read its own role from who-is of
    // its own address (who-is only shows grants whose dst is the node asked about).
    {
      "src": ["group:agronomists"],
      "dst": ["tag:farm", "autogroup:self"],
      "app": { "agromesh.dev/cap/control-room": [{ "role": "agronomist" }] },
    },
    {
      "src": ["group:operators", "tag:controlroom"],
      "dst": ["tag:farm", "autogroup:self", "tag:controlroom"],
      "app": { "agromesh.dev/cap/control-room": [{ "role": "operator", "farms": ["*"] }] },
    },
    {
      "src": ["group:support"],
      "dst": ["tag:farm", "tag:registry", "autogroup:self"],
      "app": { "agromesh.dev/cap/control-room": [{ "role": "support" }] },
    },
  ],
  "tests": [
    {
      "src": "operator@example.com",
      "accept": ["tag:farm:8080", "tag:registry:8090"],
      "deny": ["tag:farm:22"],
    },
    { "src": "tag:farm", "accept": ["tag:registry:8090"], "deny": ["tag:farm:8080"] },
  ],
}
`;
