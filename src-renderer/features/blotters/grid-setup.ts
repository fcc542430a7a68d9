/**
 * AG Grid Community with only the modules the blotters use, styled by the
 * legacy CSS theme: the Theming API injects <style> tags, which the strict
 * CSP (style-src 'self') refuses; these stylesheets ship as files instead.
 */
import {
  CellStyleModule,
  ClientSideRowModelApiModule,
  ClientSideRowModelModule,
  ColumnApiModule,
  HighlightChangesModule,
  ModuleRegistry,
  NumberFilterModule,
  QuickFilterModule,
  RowApiModule,
  TextEditorModule,
  TextFilterModule,
  TooltipModule,
  ValidationModule,
} from 'ag-grid-community';
import 'ag-grid-community/styles/ag-grid.min.css';
import 'ag-grid-community/styles/ag-theme-balham.min.css';

ModuleRegistry.registerModules([
  ClientSideRowModelModule,
  ClientSideRowModelApiModule,
  RowApiModule,
  ColumnApiModule,
  TextFilterModule,
  NumberFilterModule,
  QuickFilterModule,
  TextEditorModule,
  CellStyleModule,
  HighlightChangesModule,
  TooltipModule,
  ...(import.meta.env?.DEV ? [ValidationModule] : []),
]);

export const GRID_THEME_CLASS = 'ag-theme-balham-dark';
