import { useNavigate } from "react-router";

import { Button } from "@/components/ui/button";
import { fieldErrors, Form, TextField } from "@/components/ui/form";
import { useCreateOrg } from "@/features/orgs/api/create-org";
import { toast } from "@/lib/toast";

export function CreateOrgForm() {
  const create = useCreateOrg();
  const navigate = useNavigate();
  const errors = fieldErrors(create.error);
  return (
    <Form
      label="Create an organization"
      error={create.error}
      onSubmit={(v) =>
        create.mutate(
          { name: v.name ?? "", ...(v.slug ? { slug: v.slug } : {}) },
          {
            onSuccess: (org) => {
              toast.success("Organization created", org.name);
              navigate(`/orgs/${org.slug}`);
            },
          },
        )
      }
    >
      <TextField label="Organization name" name="name" required autoComplete="organization" error={errors.name} />
      <TextField
        label="Short name (slug)"
        name="slug"
        autoComplete="off"
        error={errors.slug}
        hint="Used in addresses: letters, digits and -. Made from the name if empty."
      />
      <Button type="submit" pending={create.isPending} className="w-full">
        Create organization
      </Button>
    </Form>
  );
}
