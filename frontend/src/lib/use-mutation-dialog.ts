import { useState } from "react";

/**
 * A dialog around one mutation: its open state, and closing it forgets the
 * mutation's last answer, so the dialog opens again without an old error.
 */
export function useMutationDialog(mutation: { reset: () => void }) {
  const [open, setOpen] = useState(false);
  const onOpenChange = (next: boolean) => {
    setOpen(next);
    if (!next) mutation.reset();
  };
  return { open, onOpenChange };
}
