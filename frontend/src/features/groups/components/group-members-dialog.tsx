import { useState } from "react";

import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { SelectField } from "@/components/ui/form";
import { EmptyState, QueryState } from "@/components/ui/states";
import { useAddGroupMember } from "@/features/groups/api/add-group-member";
import { useGroupMembers } from "@/features/groups/api/get-group-members";
import type { Group } from "@/features/groups/api/get-groups";
import { useMemberChoices } from "@/features/groups/api/get-member-choices";
import { useRemoveGroupMember } from "@/features/groups/api/remove-group-member";
import { errorMessage } from "@/lib/api-error";
import { toast } from "@/lib/toast";

function Members({ org, group, canManage }: { org: string; group: Group; canManage: boolean }) {
  const members = useGroupMembers(org, group.id);
  const choices = useMemberChoices(org);
  const add = useAddGroupMember(org, group.id);
  const remove = useRemoveGroupMember(org, group.id);
  const [picked, setPicked] = useState("");
  const inGroup = new Set(members.data?.results.map((m) => m.user_id));
  const addable = (choices.data?.results ?? []).filter((m) => !inGroup.has(m.user_id));

  return (
    <div className="space-y-4">
      {canManage && (
        <form
          className="flex items-end gap-2"
          aria-label="Add a person"
          onSubmit={(e) => {
            e.preventDefault();
            if (!picked) return;
            add.mutate(picked, {
              onSuccess: (m) => {
                toast.success("Added to the group", m.email);
                setPicked("");
              },
              onError: (err) => toast.error("Could not add", errorMessage(err)),
            });
          }}
        >
          <SelectField label="Member" name="user" value={picked} onChange={(e) => setPicked(e.target.value)} className="flex-1">
            <option value="">Pick a member of the organization</option>
            {addable.map((m) => (
              <option key={m.user_id} value={m.user_id}>
                {m.name ? `${m.name} (${m.email})` : m.email}
              </option>
            ))}
          </SelectField>
          <Button type="submit" size="sm" pending={add.isPending} disabled={!picked}>
            Add
          </Button>
        </form>
      )}
      <QueryState
        query={members}
        loadingLabel="Loading the group's people"
        isEmpty={(d) => d.results.length === 0}
        empty={<EmptyState title="Nobody in this group yet" />}
      >
        {(data) => (
          <ul aria-label={`People in ${group.name}`} className="divide-y divide-slate-200 text-sm">
            {data.results.map((m) => (
              <li key={m.user_id} className="flex items-center justify-between gap-4 py-2">
                <span>
                  <span className="font-medium text-slate-900">{m.name || m.email}</span>
                  {m.name && <span className="ml-2 text-slate-500">{m.email}</span>}
                </span>
                {canManage && (
                  <Button
                    variant="secondary"
                    size="sm"
                    onClick={() =>
                      remove.mutate(m.user_id, {
                        onSuccess: () => toast.success("Taken out of the group", m.email),
                        onError: (err) => toast.error("Could not remove", errorMessage(err)),
                      })
                    }
                  >
                    Remove <span className="sr-only">{m.email}</span>
                  </Button>
                )}
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </div>
  );
}

/** A group's people in a dialog: admins add members of the organization and remove them. */
export function GroupMembersDialog({ org, group, canManage }: { org: string; group: Group; canManage: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button variant="secondary" size="sm">
          People <span className="sr-only">of {group.name}</span>
        </Button>
      </DialogTrigger>
      <DialogContent
        title={`People in ${group.name}`}
        description="Their own acquires count against the license rules that name this group. Leaving the organization takes a person out of its groups."
      >
        {open && <Members org={org} group={group} canManage={canManage} />}
      </DialogContent>
    </Dialog>
  );
}
