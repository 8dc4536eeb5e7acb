import { Dialog } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';
import { act, fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import { keyRefs } from '../../src/snippets/filter';
import {
  IPickerSelection,
  pickSecretKey,
  SecretPicker
} from '../../src/snippets/picker';
import { makeKey, makeMount } from '../mounts/fakeserver';

const trans = nullTranslator.load('jupyterlab-secret-mounts');

const REFS = keyRefs([
  makeMount('/secrets/db-creds', ['password', 'username']),
  {
    ...makeMount('/secrets/tls', []),
    keys: [makeKey('/secrets/tls', 'keystore.jks', { binary: true })]
  },
  makeMount('/run/secrets/api', ['token'])
]);

function setup(styles = ['python'] as const) {
  const onAccept = jest.fn<void, [IPickerSelection]>();
  const onCancel = jest.fn();
  const onChange = jest.fn<void, [IPickerSelection | null]>();
  render(
    <SecretPicker
      refs={REFS}
      styles={[...styles]}
      trans={trans}
      onAccept={onAccept}
      onCancel={onCancel}
      onChange={onChange}
    />
  );
  const input = screen.getByRole('combobox', { name: 'Filter secret keys' });
  const options = () => screen.queryAllByRole('option');
  const selected = () =>
    options()
      .filter(o => o.getAttribute('aria-selected') === 'true')
      .map(o => o.querySelector('.jp-SecretMounts-pickerLabel')!.textContent);
  return { input, options, selected, onAccept, onCancel, onChange };
}

describe('SecretPicker', () => {
  it('lists every folder/key pair as options of a listbox, the first selected', () => {
    const { input, options, selected } = setup();
    const listbox = screen.getByRole('listbox');
    expect(input.getAttribute('aria-controls')).toBe(listbox.id);
    expect(options()).toHaveLength(4);
    expect(selected()).toEqual(['db-creds/password']);
    expect(input.getAttribute('aria-activedescendant')).toBe(options()[0].id);
    // Ready to type.
    expect(document.activeElement).toBe(input);
  });

  it('filters as the user types and selects the first match', () => {
    const { input, options, selected } = setup();
    fireEvent.change(input, { target: { value: 'user' } });
    expect(options()).toHaveLength(1);
    expect(selected()).toEqual(['db-creds/username']);
    fireEvent.change(input, { target: { value: 'nothing-like-this' } });
    expect(options()).toHaveLength(0);
    expect(screen.getByRole('status').textContent).toContain(
      'nothing-like-this'
    );
  });

  it('moves with ArrowDown/ArrowUp, wrapping around', () => {
    const { input, selected } = setup();
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(selected()).toEqual(['db-creds/username']);
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(selected()).toEqual(['api/token']);
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(selected()).toEqual(['db-creds/password']);
    fireEvent.keyDown(input, { key: 'ArrowUp' });
    expect(selected()).toEqual(['api/token']);
  });

  it('accepts the selected pair with Enter and cancels with Escape', () => {
    const { input, onAccept, onCancel } = setup();
    fireEvent.change(input, { target: { value: 'tls' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onAccept).toHaveBeenCalledTimes(1);
    expect(onAccept.mock.calls[0][0].ref.key.path).toBe(
      '/secrets/tls/keystore.jks'
    );
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(onCancel).toHaveBeenCalledTimes(1);
  });

  it('does not accept when nothing matches', () => {
    const { input, onAccept, onChange } = setup();
    fireEvent.change(input, { target: { value: 'zzz' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onAccept).not.toHaveBeenCalled();
    expect(onChange).toHaveBeenLastCalledWith(null);
  });

  it('selects with a click and accepts with a double click', () => {
    const { options, selected, onAccept } = setup();
    fireEvent.click(options()[2]);
    expect(selected()).toEqual(['tls/keystore.jks']);
    fireEvent.doubleClick(options()[3]);
    expect(onAccept.mock.calls[0][0].ref.key.name).toBe('token');
  });

  it('offers a style choice only when there is more than one', () => {
    setup();
    expect(screen.queryByLabelText('Insert as')).toBeNull();
  });

  it('reports the chosen style with the selection', () => {
    const { input, onAccept } = setup([
      'python',
      'ipython-shell',
      'ipython-bash'
    ] as never);
    const choice = screen.getByLabelText('Insert as') as HTMLSelectElement;
    expect(Array.from(choice.options).map(o => o.textContent)).toEqual([
      'Python',
      'IPython shell command (!)',
      'Bash cell (%%bash)'
    ]);
    fireEvent.change(choice, { target: { value: 'ipython-bash' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onAccept.mock.calls[0][0].style).toBe('ipython-bash');
  });

  it('marks binary and JSON keys', () => {
    setup();
    expect(
      screen.getByText('tls/keystore.jks').parentElement!.textContent
    ).toContain('binary');
  });
});

describe('pickSecretKey', () => {
  afterEach(() => {
    // Close any dialog a failing test left open.
    Dialog.flush();
  });

  async function open(): Promise<{
    result: Promise<IPickerSelection | null>;
    input: HTMLInputElement;
  }> {
    const result = pickSecretKey({ refs: REFS, styles: ['python'], trans });
    // The dialog attaches and focuses the filter box asynchronously.
    await act(async () => {
      await new Promise(resolve => setTimeout(resolve, 0));
    });
    const input = document.querySelector(
      '.jp-SecretMounts-pickerDialog .jp-SecretMounts-pickerFilter'
    ) as HTMLInputElement;
    expect(input).not.toBeNull();
    return { result, input };
  }

  it('resolves with the highlighted pair on Enter', async () => {
    const { result, input } = await open();
    await act(async () => {
      fireEvent.change(input, { target: { value: 'api' } });
    });
    input.focus();
    fireEvent.keyDown(input, { key: 'Enter' });
    const picked = await result;
    expect(picked?.ref.key.path).toBe('/run/secrets/api/token');
    expect(picked?.style).toBe('python');
  });

  it('resolves with the pair moved to with the arrow keys', async () => {
    const { result, input } = await open();
    input.focus();
    await act(async () => {
      fireEvent.keyDown(input, { key: 'ArrowDown' });
    });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect((await result)?.ref.key.name).toBe('username');
  });

  it('resolves with null on Escape', async () => {
    const { result, input } = await open();
    input.focus();
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(await result).toBeNull();
  });

  it('resolves with null when the filter matches nothing', async () => {
    const { result, input } = await open();
    await act(async () => {
      fireEvent.change(input, { target: { value: 'zzz' } });
    });
    input.focus();
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(await result).toBeNull();
  });
});
