"""Who may do what in an organization: the one table every permission check reads.

Viewer reads; member also uses licenses; admin manages licenses, projects,
groups of people, members, invitations and API tokens; owner also deletes the
organization and manages owners. Views name a policy per HTTP method; tests walk this table.
"""

from enum import IntEnum


class Role(IntEnum):
    VIEWER = 1
    MEMBER = 2
    ADMIN = 3
    OWNER = 4

    @classmethod
    def parse(cls, name: str) -> "Role":
        return cls[name.upper()]


POLICY: dict[str, Role] = {
    "org.read": Role.VIEWER,
    "org.update": Role.ADMIN,
    "org.delete": Role.OWNER,
    "members.read": Role.VIEWER,
    "members.manage": Role.ADMIN,
    "owners.manage": Role.OWNER,
    "invitations.read": Role.ADMIN,
    "invitations.manage": Role.ADMIN,
    "tokens.read": Role.ADMIN,
    "tokens.manage": Role.ADMIN,
    "projects.read": Role.VIEWER,
    "projects.manage": Role.ADMIN,
    "groups.read": Role.VIEWER,
    "groups.manage": Role.ADMIN,
    "licenses.read": Role.VIEWER,
    "licenses.use": Role.MEMBER,
    "licenses.manage": Role.ADMIN,
    "sessions.read": Role.VIEWER,
    "sessions.revoke": Role.ADMIN,
    "analytics.read": Role.VIEWER,
    "audit.read": Role.ADMIN,
    "sign_in_policy.read": Role.ADMIN,
    "sign_in_policy.manage": Role.OWNER,
    "webhooks.read": Role.ADMIN,
    "webhooks.manage": Role.ADMIN,
    # A person's own email preferences (only owners and admins are emailed).
    "notifications.self": Role.VIEWER,
    # Any member may remove themself (leave); removing others is members.manage.
    "members.leave": Role.VIEWER,
}
