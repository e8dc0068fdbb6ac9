import * as Menu from "@radix-ui/react-dropdown-menu";
import { useNavigate } from "react-router";

import type { OrgMembership } from "@/lib/auth";
import { ROLE_LABEL } from "@/lib/role-labels";

const item =
  "flex cursor-pointer items-center justify-between gap-3 rounded px-2 py-1.5 text-sm text-slate-700 outline-none data-[highlighted]:bg-brand-50 data-[highlighted]:text-brand-800";

/** Switch organization, or create one. */
export function OrgSwitcher({ current, memberships }: { current: OrgMembership; memberships: OrgMembership[] }) {
  const navigate = useNavigate();
  return (
    <Menu.Root>
      <Menu.Trigger
        className="flex w-full items-center justify-between gap-2 rounded-md border border-slate-300 bg-white px-3 py-2 text-left text-sm shadow-sm hover:bg-slate-50"
      >
        <span className="min-w-0">
          <span className="sr-only">Switch organization. Current: </span>
          <span className="block truncate font-medium text-slate-900">{current.name}</span>
          <span className="block text-xs text-slate-500">
            <span className="sr-only">your role: </span>
            {ROLE_LABEL[current.role]}
          </span>
        </span>
        <span aria-hidden="true" className="text-slate-400">▾</span>
      </Menu.Trigger>
      <Menu.Portal>
        <Menu.Content align="start" sideOffset={4} className="z-50 min-w-56 rounded-md border border-slate-200 bg-white p-1 shadow-lg">
          <Menu.Label className="px-2 py-1 text-xs font-medium text-slate-500">Organizations</Menu.Label>
          {memberships.map((m) => (
            <Menu.Item key={m.id} className={item} onSelect={() => navigate(`/orgs/${m.slug}`)}>
              <span className="truncate">{m.name}</span>
              {m.id === current.id && <span aria-label="current" className="text-brand-700">✓</span>}
            </Menu.Item>
          ))}
          <Menu.Separator className="my-1 h-px bg-slate-200" />
          <Menu.Item className={item} onSelect={() => navigate("/orgs/new")}>
            + Create organization
          </Menu.Item>
        </Menu.Content>
      </Menu.Portal>
    </Menu.Root>
  );
}
