import { useMemo } from "react";

import { Card } from "@/components/ui/card";
import { FilterInput, FilterSelect } from "@/components/ui/form";
import { Pagination, PAGE_SIZE } from "@/components/ui/pagination";
import { EmptyState, QueryState } from "@/components/ui/states";
import { columnHelper, DataTable, timeKey } from "@/components/ui/data-table";
import { licenseColumns } from "@/components/domain/license-columns";
import { useLicenses, type License, type LicenseQuery } from "@/features/licenses/api/get-licenses";
import { useProjectChoices } from "@/features/licenses/api/get-project-choices";
import { formatDate, formatDateTime, formatRelative } from "@/lib/format";
import { useDebouncedSearch, useSearchState } from "@/lib/use-search-state";

const EXPIRING = { "": "Any time", "7": "Within 7 days", "30": "Within 30 days", "90": "Within 90 days" } as const;

function expiringBefore(days: string): string | undefined {
  const n = Number(days);
  return n > 0 ? new Date(Date.now() + n * 86_400_000).toISOString() : undefined;
}

const col = columnHelper<License>();

function licenseListColumns(org: string) {
  return col.columns([
    ...licenseColumns<License>(org),
    col.accessor("key_prefix", { header: "Key", cell: (c) => <code className="font-mono text-xs">{c.getValue()}…</code> }),
    col.accessor((l) => timeKey(l.expires_at), {
      id: "expires",
      header: "Expires",
      sortUndefined: "last",
      cell: (c) => {
        const expires = c.row.original.expires_at;
        return expires ? (
          <time dateTime={expires} title={formatDateTime(expires)}>
            {formatDate(expires)} ({formatRelative(expires)})
          </time>
        ) : (
          "Never"
        );
      },
    }),
  ]);
}

/** Licenses with search, filters (in the URL) and pagination; headers sort the page shown. */
export function LicensesList({ org }: { org: string }) {
  const { values, page, set } = useSearchState(["search", "status", "project", "expiring"] as const);
  const [search, setSearch] = useDebouncedSearch(values.search, set);
  const projects = useProjectChoices(org);

  const query: LicenseQuery = {
    page,
    page_size: PAGE_SIZE,
    ...(values.search && { search: values.search }),
    ...(values.status && { status: values.status as LicenseQuery["status"] }),
    ...(values.project && { project: values.project }),
    ...(values.expiring && { expiring_before: expiringBefore(values.expiring) }),
  };
  const licenses = useLicenses(org, query);
  const columns = useMemo(() => licenseListColumns(org), [org]);
  const filtered = Boolean(values.search || values.status || values.project || values.expiring);

  return (
    <Card>
      <div className="grid gap-3 border-b border-slate-200 p-4 sm:grid-cols-2 lg:grid-cols-4" role="search" aria-label="Filter licenses">
        <FilterInput label="Search" type="search" placeholder="Name or key prefix" value={search} onChange={(e) => setSearch(e.target.value)} />
        <FilterSelect label="Status" value={values.status} onChange={(e) => set({ status: e.target.value })}>
          <option value="">All statuses</option>
          <option value="active">Active</option>
          <option value="suspended">Suspended</option>
          <option value="expired">Expired</option>
          <option value="inactive">Inactive</option>
        </FilterSelect>
        <FilterSelect label="Project" value={values.project} onChange={(e) => set({ project: e.target.value })}>
          <option value="">All projects</option>
          {projects.data?.results.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </FilterSelect>
        <FilterSelect label="Expires" value={values.expiring} onChange={(e) => set({ expiring: e.target.value })}>
          {Object.entries(EXPIRING).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </FilterSelect>
      </div>
      <QueryState
        query={licenses}
        loadingLabel="Loading licenses"
        isEmpty={(d) => d.results.length === 0}
        empty={
          <EmptyState title={filtered ? "No license matches these filters" : "No licenses yet"}>
            {filtered ? "Clear a filter to see more." : "Create a license to hand its key to your clients."}
          </EmptyState>
        }
      >
        {(data) => (
          <>
            <DataTable label="Licenses" data={data.results} columns={columns} getRowId={(l) => l.id} rowClassName="hover:bg-slate-50" />
            <Pagination page={page} count={data.count} onPage={(p) => set({ page: p })} />
          </>
        )}
      </QueryState>
    </Card>
  );
}
