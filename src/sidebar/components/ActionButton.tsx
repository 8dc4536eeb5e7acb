import { LabIcon } from '@jupyterlab/ui-components';
import React from 'react';

export interface IActionButtonProps {
  /** Stable name for tests and styling (`data-action`). */
  action: string;
  icon: LabIcon;
  /** Accessible name and tooltip. */
  label: string;
  onClick: () => void;
  disabled?: boolean;
  pressed?: boolean;
  /**
   * Keep keyboard focus where it is when clicked with the mouse, so an action that edits the
   * active cell (insert) works at that cell's cursor instead of switching it to command mode.
   */
  keepFocus?: boolean;
}

/** A small icon button with an accessible name, usable from the keyboard. */
export function ActionButton(props: IActionButtonProps): JSX.Element {
  return (
    <button
      type="button"
      className="jp-SecretMounts-action"
      data-action={props.action}
      aria-label={props.label}
      aria-pressed={props.pressed}
      title={props.label}
      disabled={props.disabled}
      onClick={props.onClick}
      onMouseDown={
        props.keepFocus ? event => event.preventDefault() : undefined
      }
    >
      <props.icon.react tag="span" className="jp-SecretMounts-actionIcon" />
    </button>
  );
}
