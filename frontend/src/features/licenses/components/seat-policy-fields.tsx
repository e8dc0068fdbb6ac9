import { useState } from "react";

import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/form";
import { useGroupChoices } from "@/features/licenses/api/get-group-choices";
import { useProjectChoices } from "@/features/licenses/api/get-project-choices";
import type { License } from "@/features/licenses/api/get-licenses";
import type { FieldErrors } from "@/lib/api-error";

export type OverageKind = License["overage_kind"];
// A rule names a project or a group of people: its select's value is "project:<id>" or
// "group:<id>" ("" until picked).
type Rule = { key: number; target: string; reserved: string; cap: string };
type RuleOut = License["project_seats"][number];

const ruleTarget = (r: RuleOut) => (r.group ? `group:${r.group}` : `project:${r.project}`);

/** The extra seats an overage setting allows: a percentage rounds down, as the server's. */
export function overageAllowance(seats: number, kind: OverageKind, value: number): number {
  if (!Number.isFinite(seats) || !Number.isFinite(value) || seats < 1) return 0;
  if (kind === "percent") return Math.floor((seats * value) / 100);
  if (kind === "seats") return value;
  return 0;
}

/** The overage setting in plain words: "Up to 6 extra seats when all 25 are taken." */
export function overageHelp(seats: number, kind: OverageKind, value: number): string {
  const extra = overageAllowance(seats, kind, value);
  if (kind === "none" || extra < 1) return `Never more than ${seats || "the"} seats at once: the next client is refused.`;
  return `Up to ${extra} extra seat${extra === 1 ? "" : "s"} when all ${seats} are taken. Those grants are marked overage and counted for billing.`;
}

let ruleKey = 0;

/**
 * Overage, grace period and reservations and caps per project or group of people. Controlled inputs, so the
 * help below each one says what the numbers mean as they are typed.
 */
export function SeatPolicyFields({
  org,
  seats,
  errors,
  defaults = {},
}: {
  org: string;
  seats: number;
  errors: FieldErrors;
  defaults?: Partial<Pick<License, "overage_kind" | "overage_value" | "grace_days" | "project_seats">>;
}) {
  const projects = useProjectChoices(org);
  const groups = useGroupChoices(org);
  const [kind, setKind] = useState<OverageKind>(defaults.overage_kind ?? "none");
  const [value, setValue] = useState(String(defaults.overage_value || 25));
  const [rules, setRules] = useState<Rule[]>(() =>
    (defaults.project_seats ?? []).map((r) => ({
      key: ++ruleKey,
      target: ruleTarget(r),
      reserved: String(r.reserved || ""),
      cap: r.cap == null ? "" : String(r.cap),
    })),
  );
  const reserved = rules.reduce((sum, r) => sum + (Number(r.reserved) || 0), 0);
  const change = (key: number, patch: Partial<Rule>) => setRules((all) => all.map((r) => (r.key === key ? { ...r, ...patch } : r)));

  return (
    <fieldset className="space-y-4 rounded-md border border-slate-200 p-3">
      <legend className="px-1 text-sm font-medium text-slate-700">Seat policy</legend>
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField
          label="Overage"
          name="overage_kind"
          value={kind}
          onChange={(e) => setKind(e.target.value as OverageKind)}
          error={errors.overage_kind}
          hint={overageHelp(seats, kind, Number(value))}
        >
          <option value="none">None: stop at the seat count</option>
          <option value="percent">A percentage more</option>
          <option value="seats">A number of extra seats</option>
        </SelectField>
        {kind === "percent" && (
          <SelectField label="Percentage" name="overage_value" value={value} onChange={(e) => setValue(e.target.value)} error={errors.overage_value}>
            <option value="25">25 %</option>
            <option value="50">50 %</option>
            <option value="100">100 %</option>
          </SelectField>
        )}
        {kind === "seats" && (
          <TextField
            label="Extra seats"
            name="overage_value"
            type="number"
            min={1}
            step={1}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            error={errors.overage_value}
          />
        )}
      </div>
      <TextField
        label="Grace period (days)"
        name="grace_days"
        type="number"
        min={0}
        max={365}
        step={1}
        defaultValue={defaults.grace_days ?? 0}
        error={errors.grace_days}
        hint="After the license expires, clients keep getting seats this many days (marked grace) while you renew."
      />
      <div>
        <p className="text-sm font-medium text-slate-700">Projects and groups</p>
        <p className="text-xs text-slate-500">
          Reserve seats that only a project's clients (or a group's people) can take, even when the rest are full, and cap how many one may
          hold. Clients name their project when they acquire; a person signed in counts against the first group below that holds them.
          Machines with the license key never count against a group. {rules.length > 0 && `${reserved} of ${seats || 0} seats reserved.`}
        </p>
        {errors.project_seats && (
          <p role="alert" className="mt-1 text-sm text-red-700">
            {errors.project_seats}
          </p>
        )}
        <ul className="mt-2 space-y-2">
          {rules.map((rule, i) => (
            <li key={rule.key} className="grid items-end gap-2 sm:grid-cols-[2fr_1fr_1fr_auto]">
              <SelectField
                label={`Project or group ${i + 1}`}
                name={`rule_target_${i}`}
                value={rule.target}
                onChange={(e) => change(rule.key, { target: e.target.value })}
                required
              >
                <option value="">Pick a project or a group</option>
                <optgroup label="Projects">
                  {projects.data?.results.map((p) => (
                    <option key={p.id} value={`project:${p.id}`}>
                      {p.name}
                    </option>
                  ))}
                </optgroup>
                <optgroup label="Groups of people">
                  {groups.data?.results.map((g) => (
                    <option key={g.id} value={`group:${g.id}`}>
                      {g.name}
                    </option>
                  ))}
                </optgroup>
              </SelectField>
              <TextField label="Reserved" name={`rule_reserved_${i}`} type="number" min={0} step={1} value={rule.reserved} onChange={(e) => change(rule.key, { reserved: e.target.value })} />
              <TextField label="Cap" name={`rule_cap_${i}`} type="number" min={0} step={1} placeholder="No cap" value={rule.cap} onChange={(e) => change(rule.key, { cap: e.target.value })} />
              <Button variant="secondary" size="sm" onClick={() => setRules((all) => all.filter((r) => r.key !== rule.key))} aria-label={`Remove rule ${i + 1}`}>
                Remove
              </Button>
            </li>
          ))}
        </ul>
        <Button variant="secondary" size="sm" className="mt-2" onClick={() => setRules((all) => [...all, { key: ++ruleKey, target: "", reserved: "", cap: "" }])}>
          Add a seat rule
        </Button>
      </div>
    </fieldset>
  );
}

/** The policy part of a license form's values, as the API takes it. */
export function seatPolicyBody(values: Record<string, string>) {
  const kind = (values.overage_kind || "none") as OverageKind;
  const rules = [];
  for (let i = 0; `rule_target_${i}` in values; i += 1) {
    const [kindOf, id] = values[`rule_target_${i}`].split(":");
    if (!id) continue;
    const cap = values[`rule_cap_${i}`];
    rules.push({
      [kindOf === "group" ? "group" : "project"]: id,
      reserved: Number(values[`rule_reserved_${i}`]) || 0,
      cap: cap === "" || cap === undefined ? null : Number(cap),
    });
  }
  return {
    overage_kind: kind,
    overage_value: kind === "none" ? 0 : Number(values.overage_value) || 0,
    grace_days: values.grace_days ? Number(values.grace_days) : 0,
    project_seats: rules,
  };
}
