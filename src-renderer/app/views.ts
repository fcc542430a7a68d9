export const VIEWS = [
  { id: 'trade', label: 'Trade', key: 'Alt+1' },
  { id: 'portfolio', label: 'Portfolio', key: 'Alt+2' },
  { id: 'risk', label: 'Risk', key: 'Alt+3' },
  { id: 'settings', label: 'Settings', key: 'Alt+4' },
] as const;
export type ViewId = (typeof VIEWS)[number]['id'];
