import * as RadixToast from "@radix-ui/react-toast";
import { useSyncExternalStore } from "react";

import { cn } from "@/components/ui/cn";
import { toast } from "@/lib/toast";

const subscribe = (cb: () => void) => toast.subscribe(cb);

/** Announces results (politely, to screen readers too) in the corner. */
export function Toaster() {
  const toasts = useSyncExternalStore(subscribe, toast.current, toast.current);
  return (
    <RadixToast.Provider duration={6000} swipeDirection="right">
      {toasts.map((t) => (
        <RadixToast.Root
          key={t.id}
          type={t.tone === "error" ? "foreground" : "background"}
          onOpenChange={(open) => !open && toast.dismiss(t.id)}
          className={cn(
            "flex items-start gap-3 rounded-md border bg-white p-4 shadow-lg",
            t.tone === "error" ? "border-red-300" : "border-emerald-300",
          )}
        >
          <div className="min-w-0 flex-1">
            <RadixToast.Title className={cn("text-sm font-semibold", t.tone === "error" ? "text-red-800" : "text-emerald-800")}>
              {t.title}
            </RadixToast.Title>
            {t.description && (
              <RadixToast.Description className="mt-1 text-sm text-slate-600">{t.description}</RadixToast.Description>
            )}
          </div>
          <RadixToast.Close aria-label="Dismiss" className="rounded px-1 text-slate-500 hover:text-slate-800">
            ×
          </RadixToast.Close>
        </RadixToast.Root>
      ))}
      <RadixToast.Viewport className="fixed right-0 bottom-0 z-[60] flex w-full max-w-sm flex-col gap-2 p-4 outline-none" />
    </RadixToast.Provider>
  );
}
