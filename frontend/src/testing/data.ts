// Test data shaped by the generated API types: a change in openapi.yaml that
// breaks these shapes breaks the type check.
import type { ApiData, ListItem, Role } from "@/lib/api-types";

type Me = ApiData<"/api/v1/auth/me", "get">;
type License = ListItem<"/api/v1/orgs/{org}/licenses">;
type Session = ListItem<"/api/v1/orgs/{org}/licenses/{license_id}/sessions">;
type Member = ListItem<"/api/v1/orgs/{org}/members">;
type Project = ListItem<"/api/v1/orgs/{org}/projects">;
type Invitation = ListItem<"/api/v1/orgs/{org}/invitations">;
type Utilization = ApiData<"/api/v1/orgs/{org}/analytics/utilization", "get">;
export type UtilizationBucket = Utilization["buckets"][number];

export const ORG = { id: "0b4c1a4e-0000-4000-8000-000000000001", slug: "acme", name: "Acme Corp" };

export function makeMe(role: Role = "owner", extra: Partial<Me> = {}): Me {
  return {
    id: "11111111-1111-4111-8111-111111111111",
    email: "alice@example.com",
    name: "Alice",
    date_joined: "2026-11-01T10:00:00Z",
    memberships: [{ org: ORG, role }],
    ...extra,
  };
}

let n = 0;
export function makeLicense(extra: Partial<License> = {}): License {
  n += 1;
  return {
    id: `2222222${n}-2222-4222-8222-222222222222`,
    name: `License ${n}`,
    project: null,
    key_prefix: `lic_ab${n}`,
    kind: "floating",
    seats_total: 3,
    seats_used: 0,
    expires_at: null,
    is_active: true,
    is_suspended: false,
    status: "active",
    heartbeat_ttl: 360,
    heartbeat_interval: 120,
    offline_grace: 0,
    assignment: "open",
    max_machines_per_person: null,
    person_limit_action: "refuse",
    overage_kind: "none",
    overage_value: 0,
    overage_allowance: 0,
    seats_over: 0,
    project_seats: [],
    grace_days: 0,
    grace_ends_at: null,
    in_grace: false,
    queue_enabled: false,
    queue_max_length: 100,
    queue_ticket_ttl: 60,
    max_borrow_hours: 168,
    max_borrowed_seats: 0,
    created_at: "2026-11-01T10:00:00Z",
    updated_at: "2026-11-01T10:00:00Z",
    ...extra,
  };
}

export function makeSession(extra: Partial<Session> = {}): Session {
  n += 1;
  const now = Date.now();
  return {
    id: `3333333${n}-3333-4333-8333-333333333333`,
    license: "",
    license_name: "License",
    project: null,
    group: null,
    group_name: null,
    user: null,
    person: null,
    hardware_id: `host-${n}`,
    client_instance: "",
    client_info: {},
    ip_address: "127.0.0.1",
    status: "active",
    started_at: new Date(now - 600_000).toISOString(),
    last_heartbeat_at: new Date(now - 30_000).toISOString(),
    heartbeat_count: 3,
    expires_at: new Date(now + 300_000).toISOString(),
    ended_at: null,
    borrowed_until: null,
    ...extra,
  };
}

export function makeMember(extra: Partial<Member> = {}): Member {
  n += 1;
  return {
    user_id: `4444444${n}-4444-4444-8444-444444444444`,
    email: `user${n}@example.com`,
    name: `User ${n}`,
    role: "member",
    joined: "2026-11-01T10:00:00Z",
    ...extra,
  };
}

export function makeProject(extra: Partial<Project> = {}): Project {
  n += 1;
  return { id: `5555555${n}-5555-4555-8555-555555555555`, name: `Project ${n}`, slug: `project-${n}`, description: "", created_at: "2026-11-01T10:00:00Z", ...extra };
}

export function makeInvitation(extra: Partial<Invitation> = {}): Invitation {
  n += 1;
  return {
    id: n,
    email: `invitee${n}@example.com`,
    role: "viewer",
    expires_at: new Date(Date.now() + 86_400_000).toISOString(),
    created_at: "2026-11-20T10:00:00Z",
    ...extra,
  };
}

export function makeBucket(start: string | number, extra: Partial<UtilizationBucket> = {}): UtilizationBucket {
  return {
    start: typeof start === "number" ? new Date(start).toISOString() : start,
    peak_in_use: 0,
    avg_in_use: 0,
    seat_seconds: 0,
    acquires: 0,
    denials: 0,
    ...extra,
  };
}

/** An answer of a utilization endpoint for the window the request asked. */
export function makeUtilization(query: URLSearchParams, buckets: UtilizationBucket[], seatsTotal = 0): Utilization {
  const denials = buckets.reduce((s, b) => s + b.denials, 0);
  const acquires = buckets.reduce((s, b) => s + b.acquires, 0);
  return {
    since: query.get("since") ?? "",
    until: query.get("until") ?? "",
    bucket_seconds: { minute: 60, hour: 3600, day: 86400 }[query.get("bucket") ?? "hour"] ?? 3600,
    seats_total: seatsTotal,
    peak_in_use: Math.max(0, ...buckets.map((b) => b.peak_in_use)),
    peak_at: null,
    totals: { acquires, denials, releases: 0, expiries: 0, revocations: 0, sessions: acquires, seat_seconds: 0 },
    buckets,
  };
}

let jti = 0;
/** A JWT-shaped access token that expires `inSeconds` from now (unsigned: the client never verifies it). */
export function fakeJwt(inSeconds = 3600): string {
  jti += 1;
  const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ exp: Math.floor(Date.now() / 1000) + inSeconds, jti })}.sig`;
}
