import {
  createColumnHelper,
  createSortedRowModel,
  FlexRender,
  metaHelper,
  rowSortingFeature,
  sortFn_alphanumeric,
  sortFn_basic,
  sortFn_text,
  tableFeatures,
  useTable,
  type ColumnDef,
  type Header,
  type RowData,
  type SortingState,
} from "@tanstack/react-table";
import { useEffect, useRef, useState } from "react";

import { cn } from "@/components/ui/cn";

type ColumnMeta = {
  /** Classes of the column's body cells (`text-right`, `whitespace-normal`, a width). */
  className?: string;
  /** Classes of the column's header cell. */
  headerClassName?: string;
};

const features = tableFeatures({
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  // What `sortFn: "auto"` picks from: natural order for text with numbers
  // (build-2 before build-10), plain text, and numbers (timestamps via `timeKey`).
  sortFns: { alphanumeric: sortFn_alphanumeric, basic: sortFn_basic, text: sortFn_text },
  columnMeta: metaHelper<ColumnMeta>(),
});

type Features = typeof features;

/** Column definitions for a `DataTable` of `TData` rows. */
export function columnHelper<TData extends RowData>() {
  return createColumnHelper<Features, TData>();
}

/**
 * The sort key of a timestamp from the API. ISO strings do not compare as text
 * (`…10Z` and `…10.5Z`), so dates sort as epoch milliseconds; a missing one is
 * `undefined`, which a column with `sortUndefined: "last"` keeps at the end.
 */
export function timeKey(iso: string | null | undefined): number | undefined {
  return iso ? Date.parse(iso) : undefined;
}

const ARIA_SORT = { asc: "ascending", desc: "descending" } as const;

function SortIcon({ direction }: { direction: false | "asc" | "desc" }) {
  return (
    <svg aria-hidden="true" viewBox="0 0 10 14" className="size-3 shrink-0">
      <path d="M5 1 9 5H1z" className={direction === "asc" ? "fill-current" : "fill-slate-300"} />
      <path d="M5 13 1 9h8z" className={direction === "desc" ? "fill-current" : "fill-slate-300"} />
    </svg>
  );
}

const headerClass = "px-4 py-2 text-left text-xs font-semibold tracking-wide whitespace-nowrap text-slate-600 uppercase";

/** The "actions" column stays on screen at the right edge while a wide table scrolls
 * sideways on a phone: its buttons are never clipped by the scroll box. */
const ACTIONS = "actions";
const stickyActions = "sticky right-0 z-10 shadow-[-6px_0_6px_-6px_rgb(0_0_0/0.15)]";

function HeaderCell<TData extends RowData>({ header }: { header: Header<Features, TData, unknown> }) {
  const { column } = header;
  const className = cn(headerClass, column.id === ACTIONS && cn(stickyActions, "bg-slate-50"), column.columnDef.meta?.headerClassName);
  if (!column.getCanSort()) {
    return (
      <th scope="col" className={className}>
        <FlexRender header={header} />
      </th>
    );
  }
  const sorted = column.getIsSorted();
  // The APG sortable table: a native button in the header cell (Enter and Space
  // work), and aria-sort on the one column the rows are ordered by.
  return (
    <th scope="col" className={className} aria-sort={sorted ? ARIA_SORT[sorted] : undefined}>
      <button
        type="button"
        onClick={() => column.toggleSorting()}
        className="-mx-1 inline-flex items-center gap-1 rounded px-1 uppercase hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-brand-600"
      >
        <FlexRender header={header} />
        <SortIcon direction={sorted} />
      </button>
    </th>
  );
}

/**
 * Whether the element is narrower than its content. Then the scroll box is
 * made focusable, so a keyboard can scroll a table that has nothing focusable.
 */
function useOverflows() {
  const ref = useRef<HTMLDivElement>(null);
  const [overflows, setOverflows] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setOverflows(element.scrollWidth > element.clientWidth);
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    if (element.firstElementChild) observer.observe(element.firstElementChild);
    return () => observer.disconnect();
  }, []);
  return { ref, overflows };
}

type DataTableProps<TData extends RowData> = {
  /** The table's accessible name. */
  label: string;
  data: TData[];
  columns: ColumnDef<Features, TData, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any -- each column keeps its own value type
  getRowId: (row: TData) => string;
  rowClassName?: string;
};

/**
 * A table whose column headers sort the rows it is given, in the browser: the
 * rows loaded so far (the current page, or a cursor list's loaded pages), never
 * a new request. Until a header is clicked the rows keep the API's order.
 *
 * On a narrow screen the table scrolls sideways inside its box and the page
 * never does: the box is `relative`, so screen-reader-only text (absolutely
 * positioned) in a cell far to the right cannot widen the document.
 */
export function DataTable<TData extends RowData>({ label, data, columns, getRowId, rowClassName }: DataTableProps<TData>) {
  const [sorting, setSorting] = useState<SortingState>([]);
  const table = useTable({
    features,
    columns,
    data,
    getRowId,
    state: { sorting },
    onSortingChange: setSorting,
    enableMultiSort: false,
  });
  const { ref, overflows } = useOverflows();

  return (
    <div
      ref={ref}
      className="scroll-shadow-x relative overflow-x-auto focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-brand-600"
      {...(overflows && { tabIndex: 0, role: "region", "aria-label": `${label} (scrolls sideways)` })}
    >
      <table aria-label={label} className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50">
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <HeaderCell key={header.id} header={header} />
              ))}
            </tr>
          ))}
        </thead>
        <tbody className="divide-y divide-slate-100">
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} className={rowClassName}>
              {row.getAllCells().map((cell) => (
                <td
                  key={cell.id}
                  className={cn(
                    "px-4 py-3 align-middle whitespace-nowrap text-slate-700",
                    cell.column.id === ACTIONS && cn(stickyActions, "bg-white"),
                    cell.column.columnDef.meta?.className,
                  )}
                >
                  <FlexRender cell={cell} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
