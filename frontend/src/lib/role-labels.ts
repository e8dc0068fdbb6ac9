import type { Role } from "@/lib/api-types";

// How a role reads in the UI, wherever one is shown or picked (members,
// invitations, API tokens).

export const ROLE_LABEL: Record<Role, string> = { owner: "Owner", admin: "Admin", member: "Member", viewer: "Viewer" };

export const ROLE_HELP: Record<Role, string> = {
  owner: "Everything, including deleting the organization and managing owners",
  admin: "Manages licenses, projects, members, invitations and API tokens",
  member: "Reads everything and uses licenses",
  viewer: "Reads everything",
};
