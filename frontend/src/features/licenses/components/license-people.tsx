import { useState } from "react";

import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { FilterSelect, Form, SelectField, TextField, fieldErrors } from "@/components/ui/form";
import { QueryState } from "@/components/ui/states";
import {
  useAssignPerson,
  useLicenseAssignments,
  useMemberChoices,
  useUnassignPerson,
} from "@/features/licenses/api/license-assignments";
import { useUpdateLicense } from "@/features/licenses/api/update-license";
import type { ListItem } from "@/lib/api-types";
import { toast } from "@/lib/toast";

type License = ListItem<"/api/v1/orgs/{org}/licenses">;

/**
 * Who may hold the license's seats as themselves: open to every member or only
 * to the people assigned, and on how many machines one person may hold seats.
 */
export function LicensePeople({ org, license, manage }: { org: string; license: License; manage: boolean }) {
  const update = useUpdateLicense(org, license.id);
  const errors = fieldErrors(update.error);
  return (
    <Card>
      <CardHeader
        title="People"
        description="Signed-in people hold seats in their own name; license-key machines are not limited by these rules."
      />
      <div className="space-y-4 p-4 text-sm">
        {manage ? (
          <Form
            label="Who may use the license"
            error={update.error}
            className="grid gap-4 sm:grid-cols-3"
            onSubmit={(v) =>
              update.mutate(
                {
                  assignment: v.assignment as License["assignment"],
                  max_machines_per_person: v.max_machines_per_person ? Number(v.max_machines_per_person) : null,
                  person_limit_action: v.person_limit_action as License["person_limit_action"],
                },
                { onSuccess: () => toast.success("Saved") },
              )
            }
          >
            <SelectField label="Who may use it" name="assignment" defaultValue={license.assignment} error={errors.assignment}>
              <option value="open">Any member</option>
              <option value="assigned">Only assigned people</option>
            </SelectField>
            <TextField
              label="Machines per person"
              name="max_machines_per_person"
              type="number"
              min={1}
              defaultValue={license.max_machines_per_person ?? ""}
              hint="Empty: no limit."
              error={errors.max_machines_per_person}
            />
            <SelectField label="At the limit" name="person_limit_action" defaultValue={license.person_limit_action} error={errors.person_limit_action}>
              <option value="refuse">Refuse the next machine</option>
              <option value="evict_oldest">End the oldest session</option>
            </SelectField>
            <div className="sm:col-span-3">
              <Button type="submit" pending={update.isPending}>
                Save
              </Button>
            </div>
          </Form>
        ) : (
          <p>
            {license.assignment === "assigned" ? "Only assigned people" : "Any member"} ·{" "}
            {license.max_machines_per_person ? `${license.max_machines_per_person} machine(s) per person` : "no limit per person"}
          </p>
        )}
        {license.assignment === "assigned" && <Assignments org={org} licenseId={license.id} manage={manage} />}
      </div>
    </Card>
  );
}

function Assignments({ org, licenseId, manage }: { org: string; licenseId: string; manage: boolean }) {
  const assignments = useLicenseAssignments(org, licenseId);
  const members = useMemberChoices(org);
  const assign = useAssignPerson(org, licenseId);
  const unassign = useUnassignPerson(org, licenseId);
  const [choice, setChoice] = useState("");
  const assigned = new Set(assignments.data?.results.map((a) => a.person.id));
  return (
    <div className="space-y-3">
      {manage && (
        <div className="flex items-end gap-2">
          <div className="grow sm:max-w-xs">
            <FilterSelect label="Assign a member" value={choice} onChange={(e) => setChoice(e.target.value)}>
              <option value="">Choose a member</option>
              {members.data?.results
                .filter((m) => m.role !== "viewer" && !assigned.has(m.user_id))
                .map((m) => (
                  <option key={m.user_id} value={m.user_id}>
                    {m.name || m.email}
                  </option>
                ))}
            </FilterSelect>
          </div>
          <Button
            disabled={!choice}
            pending={assign.isPending}
            onClick={() => assign.mutate(choice, { onSuccess: () => setChoice("") })}
          >
            Assign
          </Button>
        </div>
      )}
      <QueryState
        query={assignments}
        isEmpty={(d) => d.results.length === 0}
        empty={<p className="text-slate-500">Nobody is assigned: no person can hold a seat.</p>}
      >
        {(d) => (
          <ul aria-label="Assigned people" className="divide-y divide-slate-200">
            {d.results.map((a) => (
              <li key={a.person.id} className="flex items-center justify-between py-2">
                <span>
                  {a.person.name || a.person.email} <span className="text-slate-500">{a.person.email}</span>
                </span>
                {manage && (
                  <ConfirmButton
                    trigger="Unassign"
                    title={`Unassign ${a.person.name || a.person.email}?`}
                    description="Their live sessions of this license end at once."
                    confirmLabel="Unassign"
                    onConfirm={() =>
                      unassign.mutateAsync(a.person.id).then((r) => toast.success(`Unassigned; ${r.sessions_ended} session(s) ended`))
                    }
                  />
                )}
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </div>
  );
}
