import { Card } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { FilterInput } from "@/components/ui/form";
import { Pagination, PAGE_SIZE } from "@/components/ui/pagination";
import { EmptyState, QueryState } from "@/components/ui/states";
import { useDebouncedSearch, useSearchState } from "@/lib/use-search-state";

/** A list page's search and page, in the URL, and the query they make. */
export function useListSearch() {
  const { values, page, set } = useSearchState(["search"] as const);
  const [text, setText] = useDebouncedSearch(values.search, set);
  return {
    text,
    setText,
    applied: values.search,
    page,
    setPage: (n: number) => set({ page: n }),
    query: { page, page_size: PAGE_SIZE, ...(values.search && { search: values.search }) },
  };
}

type Page<T> = { count: number; results: T[] };

/**
 * One page of a searchable list of named things (projects, groups of people) in a
 * card: the search box, the table (headers sort the page shown), the pages.
 * ``label`` names the table ("Groups"), ``noun`` one row ("group").
 */
export function SearchedList<T extends { id: string }>({
  search,
  query,
  columns,
  label,
  noun,
  hint,
}: {
  search: ReturnType<typeof useListSearch>;
  query: { isPending: boolean; isError: boolean; error: unknown; data: Page<T> | undefined; refetch: () => unknown };
  columns: Parameters<typeof DataTable<T>>[0]["columns"];
  label: string;
  noun: string;
  hint: string;
}) {
  const plural = label.toLowerCase();
  return (
    <Card>
      <div className="border-b border-slate-200 p-4" role="search" aria-label={`Filter ${plural}`}>
        <div className="sm:max-w-sm">
          <FilterInput label="Search" type="search" placeholder="Name or slug" value={search.text} onChange={(e) => search.setText(e.target.value)} />
        </div>
      </div>
      <QueryState
        query={query}
        loadingLabel={`Loading ${plural}`}
        isEmpty={(d) => d.results.length === 0}
        empty={<EmptyState title={search.applied ? `No ${noun} matches` : `No ${plural} yet`}>{!search.applied && hint}</EmptyState>}
      >
        {(data) => (
          <>
            <DataTable label={label} data={data.results} columns={columns} getRowId={(row) => row.id} />
            <Pagination page={search.page} count={data.count} onPage={search.setPage} />
          </>
        )}
      </QueryState>
    </Card>
  );
}
