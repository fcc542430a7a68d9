import { Dialog } from '../../ui/Dialog.js';

export const SHORTCUTS: Array<[string, string]> = [
  ['Ctrl+Shift+K', 'Kill switch (asks to confirm)'],
  ['Alt+1 … Alt+6', 'Trade · Portfolio · Risk · Backtest · Strategies · Settings'],
  ['B / S', 'Ticket: buy / sell, focus quantity'],
  ['L / M', 'Ticket: limit / market'],
  ['Q / P', 'Focus quantity / price'],
  ['Enter', 'Send the order (in the ticket)'],
  ['Esc', 'Clear the ticket / close a dialog'],
  ['Click a book level or the chart', 'Set the ticket price'],
  ['Double-click price or qty', 'Amend an open order in the blotter'],
  ['?', 'This list'],
];

export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} title="Keyboard shortcuts" onClose={onClose}>
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map(([k, what]) => (
            <tr key={k}>
              <th>
                <kbd>{k}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose} data-autofocus>
          Close
        </button>
      </div>
    </Dialog>
  );
}
