import type { Role } from "@/lib/api-types";

// The backend's role table (backend/core/roles.py), mirrored so the UI can
// hide what the server would refuse anyway. The server stays the authority.
const RANK: Record<Role, number> = { viewer: 1, member: 2, admin: 3, owner: 4 };

export const POLICY = {
  "org.read": "viewer",
  "org.update": "admin",
  "org.delete": "owner",
  "members.read": "viewer",
  "members.manage": "admin",
  "owners.manage": "owner",
  "invitations.read": "admin",
  "invitations.manage": "admin",
  "tokens.read": "admin",
  "tokens.manage": "admin",
  "projects.read": "viewer",
  "projects.manage": "admin",
  "groups.read": "viewer",
  "groups.manage": "admin",
  "licenses.read": "viewer",
  "licenses.use": "member",
  "licenses.manage": "admin",
  "sessions.read": "viewer",
  "sessions.revoke": "admin",
  "analytics.read": "viewer",
  "audit.read": "admin",
  "sign_in_policy.read": "admin",
  "sign_in_policy.manage": "owner",
  "webhooks.read": "admin",
  "webhooks.manage": "admin",
  "notifications.self": "viewer",
} as const satisfies Record<string, Role>;

export type Policy = keyof typeof POLICY;

export const ROLES: Role[] = ["owner", "admin", "member", "viewer"];

export function can(role: Role | undefined | null, policy: Policy): boolean {
  return !!role && RANK[role] >= RANK[POLICY[policy]];
}

/** Roles `actor` may hand out: admins up to admin, owners any. */
export function assignableRoles(actor: Role | undefined | null): Role[] {
  if (can(actor, "owners.manage")) return ROLES;
  if (can(actor, "members.manage")) return ROLES.filter((r) => r !== "owner");
  return [];
}
