import { Clipboard } from '@jupyterlab/apputils';
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';
import { fireEvent, waitFor } from '@testing-library/react';

import { CommandIDs } from '../../src/commands';
import { SecretMountsModel } from '../../src/mounts/model';
import { MASK } from '../../src/sidebar/format';
import { PANEL_ID, SecretMountsPanel } from '../../src/sidebar/panel';
import { FakeServer, makeMount } from '../mounts/fakeserver';

// The panel renders through Lumino's message loop (ReactWidget), not inside React's act():
// tell React so, and wait for the DOM instead.
const actEnvironment = globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean };

describe('SecretMountsPanel', () => {
  let server: FakeServer;
  let model: SecretMountsModel;
  let commands: CommandRegistry;
  let panel: SecretMountsPanel;

  beforeEach(async () => {
    actEnvironment.IS_REACT_ACT_ENVIRONMENT = false;
    server = new FakeServer();
    server.listing = {
      mounts: [makeMount('/secrets/db-creds', ['password', 'username'])],
      warnings: [],
      etag: '"e1"'
    };
    model = new SecretMountsModel({
      serverSettings: server.settings,
      autoStart: false
    });
    commands = new CommandRegistry();
    panel = new SecretMountsPanel({ model, commands });
    Widget.attach(panel, document.body);
    await model.refresh();
  });

  afterEach(() => {
    panel.dispose();
    model.dispose();
    jest.restoreAllMocks();
  });

  function keyButton(path: string, action: string): HTMLButtonElement | null {
    return panel.node.querySelector<HTMLButtonElement>(
      `.jp-SecretMounts-key[data-path="${path}"] [data-action="${action}"]`
    );
  }

  it('keeps the list fresh only while it is visible', () => {
    expect(model.isPolling).toBe(true); // attached and shown in beforeEach
    panel.hide();
    expect(model.isPolling).toBe(false);
    panel.show();
    expect(model.isPolling).toBe(true);
    Widget.detach(panel);
    expect(model.isPolling).toBe(false);
  });

  it('has a stable id, a title and a tab icon', () => {
    expect(panel.id).toBe(PANEL_ID);
    expect(panel.id).toBe('jp-secret-mounts-panel');
    expect(panel.title.caption).toBe('Secret Mounts');
    expect(panel.title.icon).toBeTruthy();
  });

  it('renders the model, masked', async () => {
    await waitFor(() =>
      expect(panel.node.querySelectorAll('.jp-SecretMounts-key')).toHaveLength(
        2
      )
    );
    const masks = panel.node.querySelectorAll('.jp-SecretMounts-mask');
    expect(Array.from(masks).every(m => m.textContent === MASK)).toBe(true);
  });

  it('follows model changes (a rotation)', async () => {
    await waitFor(() =>
      expect(panel.node.querySelectorAll('.jp-SecretMounts-key')).toHaveLength(
        2
      )
    );
    server.rotate(
      [makeMount('/secrets/db-creds', ['password', 'username', 'host'])],
      '"e2"'
    );
    await model.refresh();
    await waitFor(() =>
      expect(
        panel.node.querySelector('[data-path="/secrets/db-creds/host"]')
      ).not.toBeNull()
    );
  });

  it('copies a path to the system clipboard', async () => {
    const copy = jest
      .spyOn(Clipboard, 'copyToSystem')
      .mockImplementation(() => undefined);
    await waitFor(() =>
      expect(
        keyButton('/secrets/db-creds/password', 'copy-path')
      ).not.toBeNull()
    );
    fireEvent.click(keyButton('/secrets/db-creds/password', 'copy-path')!);
    expect(copy).toHaveBeenCalledWith('/secrets/db-creds/password');
  });

  it('shows "insert reference" once the command exists, and runs it', async () => {
    await waitFor(() =>
      expect(
        keyButton('/secrets/db-creds/password', 'copy-path')
      ).not.toBeNull()
    );
    expect(
      keyButton('/secrets/db-creds/password', 'insert-reference')
    ).toBeNull();

    const execute = jest.fn();
    commands.addCommand(CommandIDs.insertKey, { execute });
    await waitFor(() =>
      expect(
        keyButton('/secrets/db-creds/password', 'insert-reference')
      ).not.toBeNull()
    );
    fireEvent.click(
      keyButton('/secrets/db-creds/password', 'insert-reference')!
    );
    expect(execute).toHaveBeenCalledWith({
      path: '/secrets/db-creds/password'
    });
  });

  it('reloads from the toolbar without the ETag', async () => {
    const before = server.calls('mounts').length;
    const find = () =>
      panel.toolbar.node.querySelector<HTMLElement>(
        '[data-jp-item-name="refresh"] .jp-ToolbarButtonComponent'
      );
    await waitFor(() => expect(find()).not.toBeNull());
    fireEvent.click(find()!);
    await waitFor(() =>
      expect(server.calls('mounts').length).toBeGreaterThan(before)
    );
    expect(
      server.calls('mounts').pop()?.headers.get('If-None-Match')
    ).toBeNull();
  });
});
