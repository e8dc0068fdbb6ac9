import * as RadixDialog from "@radix-ui/react-dialog";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { Link, NavLink, useLocation } from "react-router";

import { cn } from "@/components/ui/cn";
import { OrgSwitcher } from "@/components/layouts/org-switcher";
import { UserMenu } from "@/components/layouts/user-menu";
import { membershipsOf, useMe, type OrgMembership } from "@/lib/auth";
import { can, type Policy } from "@/lib/authorization";

const NAV: { to: string; label: string; policy: Policy; end?: boolean }[] = [
  { to: "", label: "Overview", policy: "analytics.read", end: true },
  { to: "licenses", label: "Licenses", policy: "licenses.read" },
  { to: "sessions", label: "Sessions", policy: "sessions.read" },
  { to: "usage", label: "Usage", policy: "analytics.read" },
  { to: "projects", label: "Projects", policy: "projects.read" },
  { to: "members", label: "Members", policy: "members.read" },
  { to: "groups", label: "Groups", policy: "groups.read" },
  { to: "api-tokens", label: "API tokens", policy: "tokens.read" },
  { to: "webhooks", label: "Webhooks", policy: "webhooks.read" },
  { to: "audit", label: "Audit log", policy: "audit.read" },
  { to: "notifications", label: "Notifications", policy: "notifications.self" },
  { to: "settings", label: "Settings", policy: "org.read" },
];

function Nav({ org, onNavigate }: { org: OrgMembership; onNavigate?: () => void }) {
  return (
    <nav aria-label="Organization">
      <ul className="space-y-1">
        {NAV.filter((n) => can(org.role, n.policy)).map((n) => (
          <li key={n.label}>
            <NavLink
              to={`/orgs/${org.slug}${n.to ? `/${n.to}` : ""}`}
              end={n.end}
              onClick={onNavigate}
              className={({ isActive }) =>
                cn(
                  "block rounded-md px-3 py-2 text-sm font-medium",
                  isActive ? "bg-brand-50 text-brand-800" : "text-slate-700 hover:bg-slate-100",
                )
              }
            >
              {n.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Brand() {
  return (
    <Link to="/" className="flex items-center gap-2 font-semibold text-slate-900">
      <img src="/favicon.svg" alt="" className="size-7" />
      <span>CODITECT</span>
    </Link>
  );
}

/** Sidebar on laptops; a top bar with a menu drawer on phones. */
export function AppLayout({ org, children }: { org: OrgMembership; children: ReactNode }) {
  const { data: me } = useMe();
  const memberships = membershipsOf(me);
  const [menuOpen, setMenuOpen] = useState(false);
  const { pathname } = useLocation();
  const main = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  // After a navigation, move focus to the new page (as a full page load would).
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    main.current?.focus({ preventScroll: true });
  }, [pathname]);

  return (
    <div className="min-h-full lg:flex">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      <aside className="hidden w-64 shrink-0 flex-col gap-6 border-r border-slate-200 bg-white p-4 lg:flex">
        <Brand />
        <OrgSwitcher current={org} memberships={memberships} />
        <Nav org={org} />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex items-center justify-between gap-3 border-b border-slate-200 bg-white px-4 py-2">
          {/* min-w-0: a long organization name truncates instead of widening the page. */}
          <div className="flex min-w-0 items-center gap-3 lg:hidden">
            <RadixDialog.Root open={menuOpen} onOpenChange={setMenuOpen}>
              <RadixDialog.Trigger className="shrink-0 rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium" aria-label="Open the menu">
                Menu
              </RadixDialog.Trigger>
              <RadixDialog.Portal>
                <RadixDialog.Overlay className="fixed inset-0 z-40 bg-slate-900/40" />
                <RadixDialog.Content className="fixed inset-y-0 left-0 z-50 flex w-72 max-w-[85vw] flex-col gap-6 overflow-y-auto bg-white p-4 shadow-xl">
                  <RadixDialog.Title className="sr-only">Menu</RadixDialog.Title>
                  <RadixDialog.Description className="sr-only">Switch organization or go to a page.</RadixDialog.Description>
                  <div className="flex items-center justify-between">
                    <Brand />
                    <RadixDialog.Close className="rounded px-2 py-1 text-sm text-slate-600 hover:bg-slate-100">Close</RadixDialog.Close>
                  </div>
                  <OrgSwitcher current={org} memberships={memberships} />
                  <Nav org={org} onNavigate={() => setMenuOpen(false)} />
                </RadixDialog.Content>
              </RadixDialog.Portal>
            </RadixDialog.Root>
            <span className="truncate text-sm font-medium text-slate-900">{org.name}</span>
          </div>
          <div className="hidden lg:block" />
          <UserMenu />
        </header>
        <main ref={main} id="main" tabIndex={-1} className="mx-auto w-full max-w-7xl flex-1 p-4 outline-none sm:p-6 lg:p-8">
          {children}
        </main>
      </div>
    </div>
  );
}

/** A page without an organization (create one, account settings). */
export function PlainLayout({ children }: { children: ReactNode }) {
  return (
    <div className="min-h-full">
      <header className="flex items-center justify-between border-b border-slate-200 bg-white px-4 py-2">
        <Brand />
        <UserMenu />
      </header>
      <main id="main" className="mx-auto w-full max-w-3xl p-4 sm:p-8">
        {children}
      </main>
    </div>
  );
}
