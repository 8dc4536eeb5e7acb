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
    >
      <props.icon.react tag="span" className="jp-SecretMounts-actionIcon" />
    </button>
  );
}
