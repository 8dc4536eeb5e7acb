import { nullTranslator } from '@jupyterlab/translation';
import {
  act,
  fireEvent,
  render,
  RenderResult,
  screen,
  within
} from '@testing-library/react';
import React from 'react';

import { IRevealResponse, ISecretMount } from '../../src/mounts/types';
import { IKeyActions } from '../../src/sidebar/components/actions';
import {
  IMountsBrowserProps,
  MountsBrowser
} from '../../src/sidebar/components/MountsBrowser';
import { MASK } from '../../src/sidebar/format';
import { CANARY, makeKey, makeMount, makePolicy } from '../mounts/fakeserver';

const trans = nullTranslator.load('jupyterlab-secret-mounts');

function demoMounts(): ISecretMount[] {
  return [
    makeMount('/secrets/db-creds', ['password', 'username'], {
      source: { secretName: 'db-creds', namespace: 'team-a' }
    }),
    {
      ...makeMount('/secrets/tls', []),
      keys: [
        makeKey('/secrets/tls', 'tls/cert.pem', { size: 1800 }),
        makeKey('/secrets/tls', 'keystore.jks', { size: 256, binary: true }),
        makeKey('/secrets/tls', 'config.json', { size: 90, json: true }),
        makeKey('/secrets/tls', 'broken', {
          size: 0,
          error: 'broken symlink'
        })
      ]
    },
    makeMount('/run/secrets/api', ['token'], {
      kind: 'folder',
      rotates: false,
      root: '/run/secrets'
    })
  ];
}

function props(extra: Partial<IMountsBrowserProps> = {}): IMountsBrowserProps {
  return {
    status: 'ready',
    error: null,
    mounts: demoMounts(),
    warnings: [],
    policy: makePolicy(),
    actions: { copyPath: jest.fn() },
    adminGuideUrl: '',
    onRetry: jest.fn(),
    trans,
    ...extra
  };
}

function renderBrowser(extra: Partial<IMountsBrowserProps> = {}): RenderResult {
  return render(<MountsBrowser {...props(extra)} />);
}

function keyRow(container: HTMLElement, path: string): HTMLElement {
  const row = container.querySelector<HTMLElement>(
    `.jp-SecretMounts-key[data-path="${path}"]`
  );
  if (!row) {
    throw new Error(`no row for ${path}`);
  }
  return row;
}

describe('MountsBrowser', () => {
  it('says which keys are too short to guard', () => {
    const bank = {
      ...makeMount('/secrets/bank', []),
      keys: [
        makeKey('/secrets/bank', 'pin', { size: 6, tooGuessable: true }),
        makeKey('/secrets/bank', 'token', { size: 40 })
      ]
    };
    const { container } = renderBrowser({ mounts: [bank] });
    expect(
      within(keyRow(container, '/secrets/bank/pin')).getByText(
        'too short to guard'
      )
    ).toBeTruthy();
    expect(
      keyRow(container, '/secrets/bank/token').querySelector(
        '[data-badge="too-guessable"]'
      )
    ).toBeNull();
  });

  it('lists folders with kind, rotation, source and keys', () => {
    const { container } = renderBrowser();
    const folders = container.querySelectorAll('.jp-SecretMounts-folder');
    expect(Array.from(folders).map(f => f.getAttribute('data-path'))).toEqual([
      '/secrets/db-creds',
      '/secrets/tls',
      '/run/secrets/api'
    ]);

    const db = within(folders[0] as HTMLElement);
    expect(db.getByText('Kubernetes')).toBeTruthy();
    expect(db.getByText('updates on rotation')).toBeTruthy();
    expect(db.getByText('Secret db-creds in namespace team-a')).toBeTruthy();
    expect(db.getByText(/^updated /)).toBeTruthy();

    const api = within(folders[2] as HTMLElement);
    expect(api.getByText('folder')).toBeTruthy();
    expect(api.getByText('fixed (subPath)')).toBeTruthy();

    const tls = folders[1] as HTMLElement;
    expect(
      within(keyRow(tls, '/secrets/tls/tls/cert.pem')).getByText('tls/cert.pem')
    ).toBeTruthy();
    expect(
      keyRow(tls, '/secrets/tls/keystore.jks').querySelector(
        '[data-badge="binary"]'
      )
    ).not.toBeNull();
    expect(
      keyRow(tls, '/secrets/tls/config.json').querySelector(
        '[data-badge="json"]'
      )
    ).not.toBeNull();
    expect(
      within(keyRow(tls, '/secrets/tls/broken')).getByText('broken symlink')
    ).toBeTruthy();
    expect(
      within(keyRow(tls, '/secrets/tls/tls/cert.pem')).getByText(
        /1\.8 KiB · 0644/
      )
    ).toBeTruthy();
  });

  it('masks every value with the same fixed-length mask, whatever its size', () => {
    const mounts = [
      {
        ...makeMount('/secrets/sizes', []),
        keys: [1, 7, 64, 4096, 1048576].map(size =>
          makeKey('/secrets/sizes', `k${size}`, { size })
        )
      }
    ];
    const { container } = renderBrowser({ mounts });
    const masks = Array.from(
      container.querySelectorAll('.jp-SecretMounts-mask')
    ).map(node => node.textContent);
    expect(masks).toHaveLength(5);
    expect(new Set(masks)).toEqual(new Set([MASK]));
    expect(MASK).toHaveLength(8);
  });

  it('filters by folder name or key name', () => {
    const { container } = renderBrowser();
    const input = screen.getByLabelText('Filter by folder or key name');
    const shown = () =>
      Array.from(container.querySelectorAll('.jp-SecretMounts-key')).map(k =>
        k.getAttribute('data-path')
      );

    fireEvent.change(input, { target: { value: 'TLS' } });
    // The folder matches: all its keys stay.
    expect(shown()).toEqual([
      '/secrets/tls/tls/cert.pem',
      '/secrets/tls/keystore.jks',
      '/secrets/tls/config.json',
      '/secrets/tls/broken'
    ]);

    fireEvent.change(input, { target: { value: 'pass' } });
    expect(shown()).toEqual(['/secrets/db-creds/password']);

    fireEvent.change(input, { target: { value: 'no-such-thing' } });
    expect(shown()).toEqual([]);
    expect(
      screen.getByText('No folder or key matches "no-such-thing".')
    ).toBeTruthy();

    fireEvent.change(input, { target: { value: '' } });
    expect(shown()).toHaveLength(7);
  });

  it('shows a loading state before the first answer', () => {
    const { container } = renderBrowser({
      status: 'loading',
      mounts: [],
      policy: null
    });
    expect(container.querySelector('[data-role="loading"]')).not.toBeNull();
    expect(container.querySelector('[data-role="empty"]')).toBeNull();
  });

  it('shows an empty state that explains how to mount a secret', () => {
    const { container } = renderBrowser({ mounts: [] });
    const empty = container.querySelector<HTMLElement>('[data-role="empty"]');
    expect(empty).not.toBeNull();
    const text = empty!.textContent ?? '';
    expect(text).toContain('Kubeflow 1.x');
    expect(text).toContain('Configurations');
    expect(text).toContain('Kubeflow Notebooks 2.0');
    expect(text).toContain('extraVolumes');
    expect(text).toContain('/secrets'); // where the server looks
    expect(text).toContain('docs/admin-guide.md');
  });

  it('links the empty state to the configured guide', () => {
    renderBrowser({
      mounts: [],
      adminGuideUrl: 'https://docs.example.org/secrets'
    });
    const link = screen.getByRole('link');
    expect(link.getAttribute('href')).toBe('https://docs.example.org/secrets');
    expect(link.getAttribute('rel')).toContain('noopener');
  });

  it('shows an error with a retry button', () => {
    const onRetry = jest.fn();
    const { container } = renderBrowser({
      status: 'error',
      error: 'The Secret Mounts server extension is not enabled.',
      mounts: [],
      policy: null,
      onRetry
    });
    const error = container.querySelector<HTMLElement>('[data-role="error"]');
    expect(error?.textContent).toContain('not enabled');
    expect(container.querySelector('[data-role="empty"]')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledTimes(1);
  });

  it('keeps the last list visible under an error', () => {
    const { container } = renderBrowser({ status: 'error', error: 'offline' });
    expect(container.querySelector('[data-role="error"]')).not.toBeNull();
    expect(container.querySelectorAll('.jp-SecretMounts-folder')).toHaveLength(
      3
    );
  });

  it('shows warnings from the server', () => {
    renderBrowser({ warnings: ['/vault/secrets: permission denied'] });
    expect(screen.getByText('/vault/secrets: permission denied')).toBeTruthy();
  });

  it('copies the path of a key and confirms it', async () => {
    const copyPath = jest.fn();
    const { container } = renderBrowser({ actions: { copyPath } });
    const row = keyRow(container, '/secrets/db-creds/password');
    await act(async () => {
      fireEvent.click(
        row.querySelector<HTMLButtonElement>('[data-action="copy-path"]')!
      );
    });
    expect(copyPath).toHaveBeenCalledWith('/secrets/db-creds/password');
    expect(row.querySelector('.jp-SecretMounts-status')?.textContent).toContain(
      'copied'
    );
  });

  it('offers "insert reference" only when a plugin provides it', () => {
    const { container, rerender } = renderBrowser();
    expect(
      container.querySelector('[data-action="insert-reference"]')
    ).toBeNull();

    const insertReference = jest.fn();
    rerender(
      <MountsBrowser
        {...props({ actions: { copyPath: jest.fn(), insertReference } })}
      />
    );
    const row = keyRow(container, '/secrets/tls/tls/cert.pem');
    fireEvent.click(
      row.querySelector<HTMLButtonElement>('[data-action="insert-reference"]')!
    );
    expect(insertReference).toHaveBeenCalledWith('/secrets/tls/tls/cert.pem');
  });

  it('keeps the editor focused when "insert reference" is clicked', () => {
    const { container } = renderBrowser({
      actions: { copyPath: jest.fn(), insertReference: jest.fn() }
    });
    const row = keyRow(container, '/secrets/tls/tls/cert.pem');
    const insert = row.querySelector('[data-action="insert-reference"]')!;
    const copy = row.querySelector('[data-action="copy-path"]')!;
    // A mousedown whose default is prevented does not move focus to the button.
    expect(fireEvent.mouseDown(insert)).toBe(false);
    expect(fireEvent.mouseDown(copy)).toBe(true);
  });

  it('shows the server policy read-only', () => {
    const { container } = renderBrowser({
      policy: makePolicy({
        savePolicy: 'block',
        roots: ['/secrets', '/run/secrets']
      })
    });
    const policy = container.querySelector<HTMLElement>('[data-role="policy"]');
    expect(policy).not.toBeNull();
    expect(
      policy!.querySelector('[data-policy="savePolicy"]')?.textContent
    ).toContain('block');
    expect(
      policy!.querySelector('[data-policy="allowReveal"]')?.textContent
    ).toBe('not allowed');
    expect(policy!.textContent).toContain('/run/secrets');
    expect(policy!.textContent).toContain('administrator');
    expect(policy!.querySelector('input, select, textarea')).toBeNull();
  });

  it('states redaction, suppression and git credentials as the server sets them', () => {
    const { container } = renderBrowser({
      policy: makePolicy({
        redactOutputs: false,
        allowInlineSuppression: false,
        allowGitCredentials: false
      })
    });
    const row = (name: string) =>
      container.querySelector(`[data-policy="${name}"]`)?.textContent;
    expect(row('redactOutputs')).toBe(
      'saved as printed (masked on screen only)'
    );
    expect(row('allowInlineSuppression')).toContain('ignored');
    expect(row('allowGitCredentials')).toBe('turned off');
  });

  it('shows the settings the server refused, as an alert', () => {
    const errors = [
      "SecretMounts.save_policy: 'strict' is not a valid value; using 'block'",
      "SecretMounts.roots: 'relative' is not an absolute path; left out"
    ];
    const { container, rerender } = renderBrowser({
      policy: makePolicy({ configErrors: errors })
    });
    const alert = screen.getByRole('alert');
    expect(alert.getAttribute('data-role')).toBe('config-errors');
    expect(alert.textContent).toContain('refused 2 secret-mounts settings');
    expect(
      Array.from(alert.querySelectorAll('li'), item => item.textContent)
    ).toEqual(errors);
    rerender(<MountsBrowser {...props({ policy: makePolicy() })} />);
    expect(container.querySelector('[data-role="config-errors"]')).toBeNull();
  });

  describe('reveal', () => {
    const revealed: IRevealResponse = { value: CANARY, encoding: 'utf-8' };

    afterEach(() => {
      jest.useRealTimers();
    });

    it('has no reveal control at all when the policy forbids it', () => {
      const reveal = jest.fn();
      const { container } = renderBrowser({
        actions: { copyPath: jest.fn(), reveal },
        policy: makePolicy({ allowReveal: false })
      });
      expect(container.querySelector('[data-action="reveal"]')).toBeNull();
      expect(screen.queryByRole('button', { name: /reveal/i })).toBeNull();
    });

    it('has no reveal control before the policy is known', () => {
      const { container } = renderBrowser({
        actions: { copyPath: jest.fn(), reveal: jest.fn() },
        policy: null
      });
      expect(container.querySelector('[data-action="reveal"]')).toBeNull();
    });

    it('shows the value for revealSeconds, then masks it again', async () => {
      jest.useFakeTimers();
      const reveal = jest.fn().mockResolvedValue(revealed);
      const actions: IKeyActions = { copyPath: jest.fn(), reveal };
      const { container } = renderBrowser({
        actions,
        policy: makePolicy({ allowReveal: true, revealSeconds: 5 })
      });
      const row = keyRow(container, '/secrets/db-creds/password');
      await act(async () => {
        fireEvent.click(
          row.querySelector<HTMLButtonElement>('[data-action="reveal"]')!
        );
      });
      expect(reveal).toHaveBeenCalledTimes(1);
      expect(reveal.mock.calls[0][0].path).toBe('/secrets/db-creds');
      expect(reveal.mock.calls[0][1].name).toBe('password');
      expect(row.querySelector('.jp-SecretMounts-revealed')?.textContent).toBe(
        CANARY
      );
      // Only that row shows a value.
      expect(container.textContent!.split(CANARY)).toHaveLength(2);

      act(() => jest.advanceTimersByTime(4900));
      expect(row.textContent).toContain(CANARY);
      act(() => jest.advanceTimersByTime(200));
      expect(container.textContent).not.toContain(CANARY);
      expect(row.querySelector('.jp-SecretMounts-mask')?.textContent).toBe(
        MASK
      );
    });

    it('honours the hiding time the server sends', async () => {
      jest.useFakeTimers();
      const reveal = jest
        .fn()
        .mockResolvedValue({ ...revealed, hideAfterSeconds: 2 });
      const { container } = renderBrowser({
        actions: { copyPath: jest.fn(), reveal },
        policy: makePolicy({ allowReveal: true, revealSeconds: 30 })
      });
      const row = keyRow(container, '/secrets/db-creds/password');
      await act(async () => {
        fireEvent.click(
          row.querySelector<HTMLButtonElement>('[data-action="reveal"]')!
        );
      });
      expect(row.textContent).toContain(CANARY);
      act(() => jest.advanceTimersByTime(2100));
      expect(container.textContent).not.toContain(CANARY);
    });

    it('hides at once with the hide button', async () => {
      const reveal = jest.fn().mockResolvedValue(revealed);
      const { container } = renderBrowser({
        actions: { copyPath: jest.fn(), reveal },
        policy: makePolicy({ allowReveal: true })
      });
      const row = keyRow(container, '/secrets/db-creds/password');
      await act(async () => {
        fireEvent.click(
          row.querySelector<HTMLButtonElement>('[data-action="reveal"]')!
        );
      });
      expect(row.textContent).toContain(CANARY);
      fireEvent.click(
        row.querySelector<HTMLButtonElement>('[data-action="hide"]')!
      );
      expect(container.textContent).not.toContain(CANARY);
      expect(row.querySelector('[data-action="reveal"]')).not.toBeNull();
    });

    it('drops a shown value when the key rotates or reveal is turned off', async () => {
      const reveal = jest.fn().mockResolvedValue(revealed);
      const actions = { copyPath: jest.fn(), reveal };
      const allow = makePolicy({ allowReveal: true, revealSeconds: 60 });
      const { container, rerender } = renderBrowser({ actions, policy: allow });
      const click = async () => {
        await act(async () => {
          fireEvent.click(
            keyRow(
              container,
              '/secrets/db-creds/password'
            ).querySelector<HTMLButtonElement>('[data-action="reveal"]')!
          );
        });
      };

      await click();
      expect(container.textContent).toContain(CANARY);
      const rotated = demoMounts();
      rotated[0].keys[0] = { ...rotated[0].keys[0], fingerprint: 'fp-new' };
      rerender(
        <MountsBrowser
          {...props({ actions, policy: allow, mounts: rotated })}
        />
      );
      expect(container.textContent).not.toContain(CANARY);

      await click();
      expect(container.textContent).toContain(CANARY);
      rerender(
        <MountsBrowser
          {...props({
            actions,
            mounts: rotated,
            policy: makePolicy({ allowReveal: false })
          })}
        />
      );
      expect(container.textContent).not.toContain(CANARY);
      expect(container.querySelector('[data-action="reveal"]')).toBeNull();
    });

    it('explains a refused reveal without showing anything', async () => {
      const { SecretMountsAPIError } = await import('../../src/api');
      const reveal = jest
        .fn()
        .mockRejectedValue(new SecretMountsAPIError('turned off', 403));
      const { container } = renderBrowser({
        actions: { copyPath: jest.fn(), reveal },
        policy: makePolicy({ allowReveal: true })
      });
      const row = keyRow(container, '/secrets/db-creds/password');
      await act(async () => {
        fireEvent.click(
          row.querySelector<HTMLButtonElement>('[data-action="reveal"]')!
        );
      });
      expect(within(row).getByRole('alert').textContent).toContain(
        'does not allow revealing'
      );
      expect(row.querySelector('.jp-SecretMounts-revealed')).toBeNull();
    });
  });
});
