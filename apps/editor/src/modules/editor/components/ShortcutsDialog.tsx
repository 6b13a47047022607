import { useEffect, useRef } from 'react';

export const SHORTCUTS: [string, string][] = [
  ['Ctrl+Z', 'Undo'],
  ['Ctrl+Shift+Z / Ctrl+Y', 'Redo'],
  ['Delete / Backspace', 'Delete the selection'],
  ['Ctrl+D', 'Duplicate the selection'],
  ['Ctrl+C / Ctrl+V', 'Copy / paste nodes (also into another flow)'],
  ['Ctrl+A', 'Select every node'],
  ['C', 'Connect the selected node (choose an exit and a target)'],
  ['Ctrl+S', 'Save now'],
  ['Shift+drag', 'Select with a box'],
  ['Ctrl+click', 'Add to the selection'],
  ['?', 'This help'],
  ['Escape', 'Clear the selection / close'],
];

export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} onClose={onClose} aria-labelledby="shortcuts-title" className="dialog">
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <table>
        <tbody>
          {SHORTCUTS.map(([keys, what]) => (
            <tr key={keys}>
              <th scope="row">
                <kbd>{keys}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={onClose} autoFocus>
        Close
      </button>
    </dialog>
  );
}
