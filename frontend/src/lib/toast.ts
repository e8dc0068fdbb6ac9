// A tiny store behind the Toaster: any code may announce a result.
export type Toast = { id: number; title: string; description?: string; tone: "success" | "error" };

type Listener = (toasts: Toast[]) => void;
let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<Listener>();

function emit() {
  for (const l of listeners) l(toasts);
}

export const toast = {
  success(title: string, description?: string) {
    toasts = [...toasts, { id: nextId++, title, description, tone: "success" }];
    emit();
  },
  error(title: string, description?: string) {
    toasts = [...toasts, { id: nextId++, title, description, tone: "error" }];
    emit();
  },
  dismiss(id: number) {
    toasts = toasts.filter((t) => t.id !== id);
    emit();
  },
  subscribe(listener: Listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  current: () => toasts,
};
