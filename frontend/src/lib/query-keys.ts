// Query keys, shared so that a mutation in one feature can invalidate what it
// changes in another (revoking a session changes the overview too). Keys are
// nested: invalidating `org(slug)` refreshes everything of that organization.
export const queryKeys = {
  me: ["me"] as const,
  providers: ["sign-in-providers"] as const,
  identities: ["me", "identities"] as const,
  devices: ["me", "devices"] as const,
  twoFactor: ["me", "two-factor"] as const,
  orgs: ["orgs"] as const,
  org: (org: string) => ["orgs", org] as const,
  licenses: (org: string) => ["orgs", org, "licenses"] as const,
  license: (org: string, id: string) => ["orgs", org, "licenses", id] as const,
  sessions: (org: string) => ["orgs", org, "sessions"] as const,
  analytics: (org: string) => ["orgs", org, "analytics"] as const,
  projects: (org: string) => ["orgs", org, "projects"] as const,
  groups: (org: string) => ["orgs", org, "groups"] as const,
  members: (org: string) => ["orgs", org, "members"] as const,
  invitations: (org: string) => ["orgs", org, "invitations"] as const,
  apiTokens: (org: string) => ["orgs", org, "api-tokens"] as const,
  audit: (org: string) => ["orgs", org, "audit"] as const,
  signInPolicy: (org: string) => ["orgs", org, "sign-in-policy"] as const,
  webhooks: (org: string) => ["orgs", org, "webhooks"] as const,
  webhook: (org: string, id: string) => ["orgs", org, "webhooks", id] as const,
  webhookDeliveries: (org: string, id: string) => ["orgs", org, "webhooks", id, "deliveries"] as const,
  notificationPreferences: (org: string) => ["orgs", org, "notification-preferences"] as const,
};
