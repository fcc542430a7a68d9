import type { CellEditRequestEvent, ColDef, Column, GetRowIdParams, GridApi, GridReadyEvent } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { readPref, removePref, writePref } from '../../lib/storage.js';
import type { Table } from '../../state/table.js';
import { Failed } from '../../ui/states.js';
import { GRID_THEME_CLASS } from './grid-setup.js';
import { GridSync, keyedRowId } from './grid-sync.js';

export interface BlotterGridProps<T> {
  /** names the persisted column layout */
  gridId: string;
  /** the table now, and its changes (stable functions: the grid links to them once) */
  getTable: () => Table<T>;
  subscribe: (onChange: (table: Table<T>) => void) => () => void;
  status: Table<T>['status'];
  error?: string;
  keyOf: (row: T) => string;
  include?: (row: T) => boolean;
  columns: ColDef<T>[];
  emptyText: string;
  toolbar?: ReactNode;
  context?: unknown;
  /** cell renderers named by the column defs */
  components?: Record<string, unknown>;
  onCellEditRequest?: (e: CellEditRequestEvent<T>) => void;
}

const DEFAULT_COL: ColDef = { sortable: true, filter: true, resizable: true, minWidth: 60, suppressHeaderMenuButton: true };
const prefKey = (id: string) => `tern.grid.${id}.columns.v1`;

/**
 * One blotter: an AG Grid kept in step with a store table by transactions,
 * with sortable, filterable, movable columns whose layout (order, width,
 * visibility, sort) is kept in localStorage, a quick filter and a column chooser.
 */
export function BlotterGrid<T>(props: BlotterGridProps<T>) {
  const { gridId, keyOf, include, subscribe, getTable } = props;
  const apiRef = useRef<GridApi<T> | null>(null);
  const unlink = useRef<(() => void) | null>(null);
  const [columns, setColumns] = useState<Column[]>([]);
  const [quick, setQuick] = useState('');

  const getRowId = useMemo(() => {
    const id = keyedRowId(keyOf);
    return (p: GetRowIdParams<T>) => id(p.data);
  }, [keyOf]);

  const onGridReady = useCallback(
    (e: GridReadyEvent<T>) => {
      const api = e.api;
      apiRef.current = api;
      const saved = readPref<ReturnType<GridApi['getColumnState']>>(prefKey(gridId));
      if (saved) api.applyColumnState({ state: saved, applyOrder: true });
      setColumns(api.getColumns() ?? []);
      // the store → grid link lives as long as the grid: transactions, not re-renders
      const sync = new GridSync<T>({ applyTransactionAsync: (tx) => api.applyTransactionAsync(tx), setGridOption: (k, rows) => api.setGridOption(k, rows) }, keyOf, include);
      sync.reload(getTable());
      unlink.current?.();
      unlink.current = subscribe((t) => sync.update(t));
    },
    [gridId, keyOf, include, subscribe, getTable],
  );

  useEffect(
    () => () => {
      unlink.current?.();
      unlink.current = null;
    },
    [],
  );

  const saveColumns = useCallback(() => {
    const api = apiRef.current;
    if (!api) return;
    writePref(prefKey(gridId), api.getColumnState());
    setColumns([...(api.getColumns() ?? [])]);
  }, [gridId]);

  const resetColumns = () => {
    removePref(prefKey(gridId));
    apiRef.current?.resetColumnState();
    setColumns([...(apiRef.current?.getColumns() ?? [])]);
  };

  return (
    <div className="blotter">
      <div className="blotter-toolbar">
        <input
          type="search"
          className="quick-filter"
          placeholder="Filter…"
          aria-label="Filter rows"
          value={quick}
          onChange={(e) => {
            setQuick(e.target.value);
            apiRef.current?.setGridOption('quickFilterText', e.target.value);
          }}
        />
        {props.toolbar}
        <details className="column-chooser">
          <summary className="btn btn-small btn-ghost">Columns</summary>
          <div className="menu" role="menu">
            {columns.map((c) => (
              <label key={c.getColId()} className="check menu-item">
                <input
                  type="checkbox"
                  checked={c.isVisible()}
                  onChange={(e) => {
                    apiRef.current?.setColumnsVisible([c.getColId()], e.target.checked);
                  }}
                />{' '}
                {c.getColDef().headerName ?? c.getColId()}
              </label>
            ))}
            <button type="button" className="btn btn-small menu-item" onClick={resetColumns}>
              Reset layout
            </button>
          </div>
        </details>
      </div>
      {props.status === 'error' && <Failed message={`Could not load: ${props.error ?? 'unknown error'}`} />}
      <div className={`grid ${GRID_THEME_CLASS}`} data-grid={gridId}>
        <AgGridReact<T>
          theme="legacy"
          columnDefs={props.columns}
          defaultColDef={DEFAULT_COL as ColDef<T>}
          getRowId={getRowId}
          onGridReady={onGridReady}
          loading={props.status === 'loading'}
          overlayNoRowsTemplate={`<span class="grid-empty">${props.emptyText}</span>`}
          rowHeight={24}
          headerHeight={26}
          asyncTransactionWaitMillis={60}
          animateRows={false}
          suppressDragLeaveHidesColumns
          readOnlyEdit
          singleClickEdit={false}
          stopEditingWhenCellsLoseFocus
          context={props.context}
          components={props.components}
          onCellEditRequest={props.onCellEditRequest}
          onColumnMoved={(e) => e.finished && saveColumns()}
          onColumnResized={(e) => e.finished && saveColumns()}
          onColumnVisible={saveColumns}
          onSortChanged={saveColumns}
          onColumnPinned={saveColumns}
          tooltipShowDelay={400}
        />
      </div>
    </div>
  );
}
