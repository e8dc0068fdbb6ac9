import { Outlet, type RouteObject } from "react-router";

import { AccountRoute } from "@/app/routes/account";
import { AcceptInvitationRoute } from "@/app/routes/auth/accept-invitation";
import { ForgotPasswordRoute, ResetPasswordRoute } from "@/app/routes/auth/password";
import { ProviderCallbackRoute } from "@/app/routes/auth/provider-callback";
import { RegisterRoute } from "@/app/routes/auth/register";
import { SignInRoute } from "@/app/routes/auth/sign-in";
import { CreateOrgRoute } from "@/app/routes/create-org";
import { DeviceRoute } from "@/app/routes/device";
import { HomeRoute } from "@/app/routes/home";
import { NotFound, RouteError } from "@/app/routes/not-found";
import { ApiTokensRoute } from "@/app/routes/org/api-tokens";
import { AuditRoute } from "@/app/routes/org/audit";
import { OrgLayoutRoute } from "@/app/routes/org/layout";
import { GroupsRoute } from "@/app/routes/org/groups";
import { LicenseRoute, LicensesRoute } from "@/app/routes/org/licenses";
import { MembersRoute } from "@/app/routes/org/members";
import { NotificationsRoute } from "@/app/routes/org/notifications";
import { OverviewRoute } from "@/app/routes/org/overview";
import { PersonRoute } from "@/app/routes/org/person";
import { ProjectsRoute } from "@/app/routes/org/projects";
import { SessionsRoute } from "@/app/routes/org/sessions";
import { SettingsRoute } from "@/app/routes/org/settings";
import { UsageRoute } from "@/app/routes/org/usage";
import { WebhookRoute, WebhooksRoute } from "@/app/routes/org/webhooks";
import { RequireAuth } from "@/lib/auth";

// No route may start with /api, /static, /.well-known, /healthz, /readyz or
// /metrics: Django answers those before the SPA fallback.
export const routes: RouteObject[] = [
  {
    errorElement: <RouteError />,
    children: [
      { path: "/sign-in", element: <SignInRoute /> },
      { path: "/sign-in/callback/:provider", element: <ProviderCallbackRoute /> },
      { path: "/register", element: <RegisterRoute /> },
      { path: "/forgot-password", element: <ForgotPasswordRoute /> },
      { path: "/reset-password", element: <ResetPasswordRoute /> },
      { path: "/accept-invitation", element: <AcceptInvitationRoute /> },
      {
        element: (
          <RequireAuth>
            <Outlet />
          </RequireAuth>
        ),
        children: [
          { path: "/", element: <HomeRoute /> },
          { path: "/orgs/new", element: <CreateOrgRoute /> },
          { path: "/account", element: <AccountRoute /> },
          // The verification page of the CLI's device sign-in (users.device_flow).
          { path: "/device", element: <DeviceRoute /> },
          {
            path: "/orgs/:org",
            element: <OrgLayoutRoute />,
            children: [
              { index: true, element: <OverviewRoute /> },
              { path: "licenses", element: <LicensesRoute /> },
              { path: "licenses/:licenseId", element: <LicenseRoute /> },
              { path: "sessions", element: <SessionsRoute /> },
              { path: "people/:userId", element: <PersonRoute /> },
              { path: "usage", element: <UsageRoute /> },
              { path: "projects", element: <ProjectsRoute /> },
              { path: "members", element: <MembersRoute /> },
              { path: "groups", element: <GroupsRoute /> },
              { path: "api-tokens", element: <ApiTokensRoute /> },
              { path: "webhooks", element: <WebhooksRoute /> },
              { path: "webhooks/:endpointId", element: <WebhookRoute /> },
              { path: "audit", element: <AuditRoute /> },
              { path: "notifications", element: <NotificationsRoute /> },
              { path: "settings", element: <SettingsRoute /> },
              { path: "*", element: <NotFound /> },
            ],
          },
        ],
      },
      { path: "*", element: <NotFound /> },
    ],
  },
];
