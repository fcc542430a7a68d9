export const VIEWS = [
  { id: 'trade', label: 'Trade', key: 'Alt+1' },
  { id: 'portfolio', label: 'Portfolio', key: 'Alt+2' },
  { id: 'risk', label: 'Risk', key: 'Alt+3' },
  { id: 'backtest', label: 'Backtest', key: 'Alt+4' },
  { id: 'strategies', label: 'Strategies', key: 'Alt+5' },
  { id: 'settings', label: 'Settings', key: 'Alt+6' },
] as const;
export type ViewId = (typeof VIEWS)[number]['id'];
