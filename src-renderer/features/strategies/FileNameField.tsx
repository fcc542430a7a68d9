import { useEffect, useId, useState } from 'react';
import type { FileKindName } from '../../../src-common/contract/bridge.js';
import { describeError } from '../../client/call-error.js';
import { useClient } from '../../client/context.js';
import { desktopShell } from '../../client/shell.js';
import { notify } from '../../state/notifications.js';

/** the files of one kind the engine lists (files.list); empty when it cannot be read */
export function useFileNames(kind: FileKindName): { files: string[]; folders: string[]; reload: () => void } {
  const client = useClient();
  const [list, setList] = useState<{ files: string[]; folders: string[] }>({ files: [], folders: [] });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    client.call('files.list', {}).then(
      (r) => live && setList(r[kind]),
      () => live && setList({ files: [], folders: [] }),
    );
    return () => {
      live = false;
    };
  }, [client, kind, round]);
  return { ...list, reload: () => setRound((n) => n + 1) };
}

/**
 * A file name for the engine: typed, picked from what the data folder's
 * strategies/ or imports/ hold, or (desktop app) chosen in the OS dialog,
 * which opens the file's folder to the engine.
 */
export function FileNameField(props: {
  kind: FileKindName;
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  invalid?: boolean;
  placeholder?: string;
  /** offered besides the listed files (recent choices) */
  extra?: readonly string[];
}) {
  const uid = useId();
  const { files, folders, reload } = useFileNames(props.kind);
  const shell = desktopShell();
  const options = [...new Set([...(props.extra ?? []), ...files])];
  const choose = async () => {
    if (!shell) return;
    try {
      const chosen = await shell('files.choose', { kind: props.kind });
      if (chosen.name !== null) {
        props.onChange(chosen.name);
        reload();
      }
    } catch (err) {
      notify({ kind: 'error', title: 'File not chosen', body: describeError(err) });
    }
  };
  return (
    <label className="field">
      <span>{props.label}</span>
      <span className="file-field-row">
        <input className="input mono" name={props.name} list={`${uid}-files`} value={props.value} placeholder={props.placeholder} onChange={(e) => props.onChange(e.target.value)} spellCheck={false} aria-invalid={props.invalid} />
        {shell && (
          <button type="button" className="btn btn-tiny" onClick={() => void choose()} data-testid={`choose-${props.name}`}>
            Choose…
          </button>
        )}
      </span>
      <datalist id={`${uid}-files`}>
        {options.map((d) => (
          <option key={d} value={d} />
        ))}
      </datalist>
      {folders[0] && <span className="muted small">Put files in {folders[0]}{folders.length > 1 ? ` (or ${folders.slice(1).join(', ')})` : ''}</span>}
    </label>
  );
}
