import { Link } from "react-router";

import { LicenseStatusBadge, licenseStatus, SeatMeter } from "@/components/domain/license-status";
import { columnHelper } from "@/components/ui/data-table";

/** What the shared license columns read from a row: the license list's and the overview's. */
export type LicenseRow = {
  id: string;
  name: string;
  is_active: boolean;
  is_suspended: boolean;
  expires_at?: string | null;
  status?: string;
  seats_total: number;
  seats_used: number | null;
};

/** Name (linked to the license), status and seats in use: the columns every license
 * table starts with. ``nameHeader`` and ``seatsClassName`` are what the tables vary. */
export function licenseColumns<T extends LicenseRow>(
  org: string,
  { nameHeader = "Name", seatsClassName }: { nameHeader?: string; seatsClassName?: string } = {},
) {
  const col = columnHelper<T>();
  return [
    col.accessor((l) => l.name, {
      id: "name",
      header: nameHeader,
      cell: (c) => (
        <Link to={`/orgs/${org}/licenses/${c.row.original.id}`} className="font-medium text-brand-700 hover:underline">
          {c.getValue()}
        </Link>
      ),
    }),
    col.accessor((l) => licenseStatus(l), { id: "status", header: "Status", cell: (c) => <LicenseStatusBadge license={c.row.original} /> }),
    col.accessor((l) => l.seats_used ?? undefined, {
      id: "seats",
      header: "Seats in use",
      sortUndefined: "last",
      ...(seatsClassName && { meta: { className: seatsClassName } }),
      cell: (c) => {
        const l = c.row.original;
        return <SeatMeter used={l.seats_used} total={l.seats_total} label={`Seats in use of ${l.name}`} />;
      },
    }),
  ];
}
