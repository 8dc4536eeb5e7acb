/**
 * The "Insert secret reference" picker: type to filter folder/key pairs, ArrowUp/ArrowDown
 * to move, Enter to insert, Escape to cancel.
 */
import { Dialog, ReactWidget } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { IKeyRef } from '../mounts/tokens';
import { filterKeyRefs, refLabel } from './filter';
import { SnippetStyle } from './templates';

/** What the user picked. */
export interface IPickerSelection {
  ref: IKeyRef;
  style: SnippetStyle;
}

export interface ISecretPickerProps {
  refs: readonly IKeyRef[];
  /** Styles to offer (a choice is shown when there is more than one); the first is the default. */
  styles: readonly SnippetStyle[];
  trans: TranslationBundle;
  /** Called whenever the highlighted pair or the style changes (null: nothing matches). */
  onChange?: (selection: IPickerSelection | null) => void;
  /** Enter or double click on a pair. */
  onAccept?: (selection: IPickerSelection) => void;
  /** Escape. */
  onCancel?: () => void;
}

/** Translated names of the styles, for the "Insert as" choice. */
export function styleLabel(
  style: SnippetStyle,
  trans: TranslationBundle
): string {
  switch (style) {
    case 'python':
      return trans.__('Python');
    case 'ipython-shell':
      return trans.__('IPython shell command (!)');
    case 'ipython-bash':
      return trans.__('Bash cell (%1)', '%%bash');
    case 'r':
      return trans.__('R');
    case 'julia':
      return trans.__('Julia');
    case 'bash':
      return trans.__('Bash');
  }
}

/** The picker's content: a filter box (a combobox) above a listbox of pairs. */
export function SecretPicker(props: ISecretPickerProps): JSX.Element {
  const { refs, styles, trans, onChange, onAccept, onCancel } = props;
  const [query, setQuery] = React.useState('');
  const [active, setActive] = React.useState(0);
  const [style, setStyle] = React.useState<SnippetStyle>(styles[0]);
  const listRef = React.useRef<HTMLUListElement>(null);
  const inputRef = React.useRef<HTMLInputElement>(null);
  const id = React.useId();
  const listId = `${id}-list`;
  const optionId = (index: number) => `${id}-option-${index}`;

  const matches = React.useMemo(
    () => filterKeyRefs(refs, query),
    [refs, query]
  );
  const index = Math.min(active, matches.length - 1);
  const selection: IPickerSelection | null =
    index >= 0 ? { ref: matches[index], style } : null;

  React.useEffect(() => {
    onChange?.(selection);
  }, [selection?.ref, style]);

  // Typing filters at once, however the picker was opened (palette, menu, shortcut).
  React.useEffect(() => inputRef.current?.focus(), []);

  React.useEffect(() => {
    const option = listRef.current?.children[index];
    // jsdom has no scrollIntoView.
    option?.scrollIntoView?.({ block: 'nearest' });
  }, [index]);

  const move = (delta: number) => {
    if (matches.length > 0) {
      setActive((index + delta + matches.length) % matches.length);
    }
  };

  const onKeyDown = (event: React.KeyboardEvent) => {
    switch (event.key) {
      case 'ArrowDown':
        move(1);
        break;
      case 'ArrowUp':
        move(-1);
        break;
      case 'PageDown':
        setActive(Math.min(index + 10, matches.length - 1));
        break;
      case 'PageUp':
        setActive(Math.max(index - 10, 0));
        break;
      case 'Enter':
        if (selection) {
          onAccept?.(selection);
        }
        break;
      case 'Escape':
        onCancel?.();
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  return (
    <div className="jp-SecretMounts-picker">
      <input
        ref={inputRef}
        className="jp-SecretMounts-pickerFilter jp-mod-styled"
        type="text"
        role="combobox"
        aria-label={trans.__('Filter secret keys')}
        aria-expanded="true"
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={index >= 0 ? optionId(index) : undefined}
        placeholder={trans.__('Type to filter folder/key')}
        autoComplete="off"
        spellCheck={false}
        value={query}
        onChange={event => {
          setQuery(event.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <ul
        ref={listRef}
        id={listId}
        className="jp-SecretMounts-pickerList"
        role="listbox"
        aria-label={trans.__('Secret keys')}
      >
        {matches.map((ref, i) => (
          <li
            key={ref.key.path}
            id={optionId(i)}
            role="option"
            aria-selected={i === index}
            className={
              'jp-SecretMounts-pickerItem' +
              (i === index ? ' jp-mod-selected' : '')
            }
            title={ref.key.path}
            onMouseDown={event => event.preventDefault()}
            onClick={() => setActive(i)}
            onDoubleClick={() => onAccept?.({ ref, style })}
          >
            <span className="jp-SecretMounts-pickerLabel">{refLabel(ref)}</span>
            {ref.key.binary || ref.key.json ? (
              <span className="jp-SecretMounts-pickerKind">
                {ref.key.binary ? trans.__('binary') : trans.__('JSON')}
              </span>
            ) : null}
            {/* Long paths keep their end (the folder) visible; <bdi> keeps them left-to-right. */}
            <span className="jp-SecretMounts-pickerPath">
              <bdi>{ref.mount.path}</bdi>
            </span>
          </li>
        ))}
      </ul>
      {matches.length === 0 ? (
        <div className="jp-SecretMounts-pickerEmpty" role="status">
          {trans.__('No secret key matches "%1".', query)}
        </div>
      ) : null}
      {styles.length > 1 ? (
        <label className="jp-SecretMounts-pickerStyle">
          <span>{trans.__('Insert as')}</span>
          <select
            className="jp-mod-styled"
            value={style}
            onChange={event => setStyle(event.target.value as SnippetStyle)}
          >
            {styles.map(s => (
              <option key={s} value={s}>
                {styleLabel(s, trans)}
              </option>
            ))}
          </select>
        </label>
      ) : null}
    </div>
  );
}

/** The picker as a dialog body; its value is the highlighted pair. */
class PickerBody
  extends ReactWidget
  implements Dialog.IBodyWidget<IPickerSelection | null>
{
  constructor(private readonly _props: Omit<ISecretPickerProps, 'onChange'>) {
    super();
    this.addClass('jp-SecretMounts-pickerBody');
  }

  getValue(): IPickerSelection | null {
    return this._selection;
  }

  protected render(): JSX.Element {
    return (
      <SecretPicker
        {...this._props}
        onChange={selection => (this._selection = selection)}
      />
    );
  }

  private _selection: IPickerSelection | null = null;
}

export interface IPickOptions {
  refs: readonly IKeyRef[];
  styles: readonly SnippetStyle[];
  trans: TranslationBundle;
}

/**
 * Show the picker in a modal dialog. Resolves with the pair to insert, or null when the user
 * cancels. (The dialog itself handles Enter, which accepts, and Escape, which cancels.)
 */
export async function pickSecretKey(
  options: IPickOptions
): Promise<IPickerSelection | null> {
  const { trans } = options;
  let dialog: Dialog<IPickerSelection | null> | null = null;
  const body = new PickerBody({
    ...options,
    // Double click: accept as the "Insert" button would.
    onAccept: () => dialog?.resolve(1)
  });
  dialog = new Dialog<IPickerSelection | null>({
    title: trans.__('Insert secret reference'),
    body,
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Insert') })
    ],
    defaultButton: 1,
    focusNodeSelector: '.jp-SecretMounts-pickerFilter'
  });
  dialog.addClass('jp-SecretMounts-pickerDialog');
  const result = await dialog.launch();
  return result.button.accept ? result.value : null;
}
