import { useState } from "react";

import { SelectField, TextField } from "@/components/ui/form";
import type { License } from "@/features/licenses/api/get-licenses";
import { useProjectChoices } from "@/features/licenses/api/get-project-choices";
import { SeatPolicyFields, seatPolicyBody } from "@/features/licenses/components/seat-policy-fields";
import type { FieldErrors } from "@/lib/api-error";
import { fromLocalInput, toLocalInput } from "@/lib/format";

export type LicenseFormDefaults = {
  name?: string;
  project?: string | null;
  seats_total?: number;
  expires_at?: string | null;
  heartbeat_ttl?: number;
} & Partial<Pick<License, "overage_kind" | "overage_value" | "grace_days" | "project_seats">>;

/** The fields a license is created and edited with. */
export function LicenseFields({ org, errors, defaults = {} }: { org: string; errors: FieldErrors; defaults?: LicenseFormDefaults }) {
  const projects = useProjectChoices(org);
  const [seats, setSeats] = useState(String(defaults.seats_total ?? 5));
  return (
    <>
      <TextField label="Name" name="name" required defaultValue={defaults.name} error={errors.name} autoComplete="off" />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label="Seats"
          name="seats_total"
          type="number"
          min={1}
          step={1}
          required
          value={seats}
          onChange={(e) => setSeats(e.target.value)}
          error={errors.seats_total}
          hint="Clients that may run at once. Fewer than are in use now: running clients keep their seats, new ones wait until enough end."
        />
        <TextField
          label="Heartbeat TTL (seconds)"
          name="heartbeat_ttl"
          type="number"
          min={2}
          step={1}
          defaultValue={defaults.heartbeat_ttl ?? 360}
          error={errors.heartbeat_ttl}
          hint="A silent client's seat comes back after this."
        />
      </div>
      <TextField
        label="Expires"
        name="expires_at"
        type="datetime-local"
        defaultValue={toLocalInput(defaults.expires_at)}
        error={errors.expires_at}
        hint="Leave empty for a license that does not expire."
      />
      <SelectField
        label="Project"
        name="project"
        defaultValue={defaults.project ?? ""}
        error={errors.project}
        disabled={projects.isPending}
      >
        <option value="">No project</option>
        {projects.data?.results.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </SelectField>
      <SeatPolicyFields org={org} seats={Number(seats)} errors={errors} defaults={defaults} />
    </>
  );
}

/** Form values to the API's body; an empty number is left out for the API to judge. */
export function licenseBody(values: Record<string, string>) {
  const int = (v: string | undefined) => (v ? Number(v) : undefined);
  return {
    name: values.name ?? "",
    seats_total: int(values.seats_total) as number,
    heartbeat_ttl: int(values.heartbeat_ttl),
    expires_at: fromLocalInput(values.expires_at ?? ""),
    project: values.project ? values.project : null,
    ...seatPolicyBody(values),
  };
}
