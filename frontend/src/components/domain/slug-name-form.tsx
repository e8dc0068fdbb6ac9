import type { ReactNode } from "react";

import { Button } from "@/components/ui/button";
import { DialogFooter } from "@/components/ui/dialog";
import { fieldErrors, Form, TextField } from "@/components/ui/form";

export type SlugNameBody = { name: string; slug?: string };

/**
 * The dialog form of something an organization names with a name and a URL slug
 * (projects, groups of people). `children` adds fields after the two; `extra` reads
 * them into the body. An empty slug is left out: the server makes it from the name.
 */
export function SlugNameForm<Extra extends object = object>({
  initial,
  submitLabel,
  error,
  pending,
  onCancel,
  onSubmit,
  extra,
  children,
}: {
  initial?: { name: string; slug?: string };
  submitLabel: string;
  error: unknown;
  pending: boolean;
  onCancel: () => void;
  onSubmit: (body: SlugNameBody & Extra) => void;
  extra?: (values: Record<string, string>) => Extra;
  children?: ReactNode;
}) {
  const errors = fieldErrors(error);
  return (
    <Form
      label={submitLabel}
      error={error}
      onSubmit={(v) => onSubmit({ name: v.name ?? "", ...(v.slug ? { slug: v.slug } : {}), ...(extra?.(v) as Extra) })}
    >
      <TextField label="Name" name="name" required defaultValue={initial?.name} error={errors.name} autoComplete="off" />
      <TextField
        label="Slug"
        name="slug"
        defaultValue={initial?.slug}
        error={errors.slug}
        hint="Letters, digits, - and _. Made from the name if empty."
        autoComplete="off"
      />
      {children}
      <DialogFooter>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" pending={pending}>
          {submitLabel}
        </Button>
      </DialogFooter>
    </Form>
  );
}
