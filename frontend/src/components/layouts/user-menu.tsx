import * as Menu from "@radix-ui/react-dropdown-menu";
import { useNavigate } from "react-router";

import { useMe, useSignOut } from "@/lib/auth";

const item =
  "flex cursor-pointer items-center rounded px-2 py-1.5 text-sm text-slate-700 outline-none data-[highlighted]:bg-brand-50 data-[highlighted]:text-brand-800";

export function UserMenu() {
  const { data: me } = useMe();
  const signOut = useSignOut();
  const navigate = useNavigate();
  return (
    <Menu.Root>
      <Menu.Trigger className="flex items-center gap-2 rounded-md px-2 py-1.5 text-sm text-slate-700 hover:bg-slate-100">
        <span className="sr-only">Account menu </span>
        <span aria-hidden="true" className="flex size-7 items-center justify-center rounded-full bg-brand-100 text-xs font-semibold text-brand-800 uppercase">
          {(me?.name || me?.email || "?").slice(0, 1)}
        </span>
        <span className="hidden max-w-40 truncate sm:inline">{me?.name || me?.email}</span>
      </Menu.Trigger>
      <Menu.Portal>
        <Menu.Content align="end" sideOffset={4} className="z-50 min-w-48 rounded-md border border-slate-200 bg-white p-1 shadow-lg">
          <Menu.Label className="truncate px-2 py-1 text-xs text-slate-500">{me?.email}</Menu.Label>
          <Menu.Item className={item} onSelect={() => navigate("/account")}>
            Account settings
          </Menu.Item>
          <Menu.Separator className="my-1 h-px bg-slate-200" />
          <Menu.Item
            className={item}
            onSelect={() => signOut.mutate(undefined, { onSettled: () => navigate("/sign-in", { replace: true }) })}
          >
            Sign out
          </Menu.Item>
        </Menu.Content>
      </Menu.Portal>
    </Menu.Root>
  );
}
