/**
 * The two commands, end to end in a real notebook widget: what gets inserted, and the
 * message the user sees when nothing can be.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import {
  INotebookTracker,
  Notebook,
  NotebookModel,
  NotebookPanel
} from '@jupyterlab/notebook';
import { NBTestUtils } from '@jupyterlab/notebook/lib/testutils';
import { CommandRegistry } from '@lumino/commands';
import { DisposableDelegate, IDisposable } from '@lumino/disposable';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { CommandIDs } from '../../src/commands';
import {
  IKeyRef,
  ISecretMountsModel,
  MountsStatus
} from '../../src/mounts/tokens';
import type { ISecretMount } from '../../src/mounts/types';
import { snippetsPlugin } from '../../src/snippets/plugin';
import { makeKey, makeMount } from '../mounts/fakeserver';

class FakeModel implements ISecretMountsModel {
  status: MountsStatus = 'ready';
  error: string | null = null;
  mounts: ISecretMount[] = [
    makeMount('/secrets/db-creds', ['password']),
    {
      ...makeMount('/secrets/tls', []),
      keys: [makeKey('/secrets/tls', 'keystore.jks', { binary: true })]
    }
  ];
  warnings: string[] = [];
  pending = [];
  policy = null;
  readonly changed: Signal<ISecretMountsModel, void> = new Signal(this);
  refreshed = 0;
  async refresh(): Promise<void> {
    this.refreshed++;
  }
  watch(): IDisposable {
    return new DisposableDelegate(() => undefined);
  }
  findKey(path: string): IKeyRef | undefined {
    for (const mount of this.mounts) {
      const key = mount.keys.find(k => k.path === path);
      if (key) {
        return { mount, key };
      }
    }
    return undefined;
  }
}

interface IHarness {
  commands: CommandRegistry;
  model: FakeModel;
  notebook: Notebook;
  setCurrent(widget: Widget | null): void;
}

function setup(language = 'python'): IHarness {
  const notebook = NBTestUtils.createNotebook();
  const model = new NotebookModel();
  model.sharedModel.insertCells(0, [
    { cell_type: 'code', source: 'a = 1', metadata: {} }
  ]);
  model.setMetadata('kernelspec', {
    name: 'k',
    display_name: 'K',
    language
  });
  notebook.model = model;
  Widget.attach(notebook, document.body);
  const panel = {
    content: notebook,
    sessionContext: { session: null, specsManager: { specs: null } },
    isDisposed: false
  } as unknown as NotebookPanel;

  let current: Widget | null = panel as unknown as Widget;
  const commands = new CommandRegistry();
  const app = {
    commands,
    shell: {
      get currentWidget() {
        return current;
      }
    }
  } as unknown as JupyterFrontEnd;
  const tracker = { currentWidget: panel } as unknown as INotebookTracker;
  const secrets = new FakeModel();
  snippetsPlugin.activate(app, secrets, tracker, null, null, null, null, null);
  return {
    commands,
    model: secrets,
    notebook,
    setCurrent: widget => (current = widget)
  };
}

/** Messages shown since the last call. */
function messages(): { type: string; message: string }[] {
  const shown = Notification.manager.notifications.map(n => ({
    type: n.type,
    message: n.message
  }));
  Notification.manager.dismiss();
  return shown;
}

function source(notebook: Notebook, index = 0): string {
  return notebook.model!.sharedModel.cells[index].getSource();
}

describe('snippetsPlugin', () => {
  let harness: IHarness;
  beforeEach(async () => {
    messages();
  });
  afterEach(() => {
    harness.notebook.dispose();
  });

  it('insert-key inserts the snippet for the kernel language', async () => {
    harness = setup('python');
    await Promise.all(harness.notebook.widgets.map(cell => cell.ready));
    harness.notebook.activeCellIndex = 0;
    harness.notebook.mode = 'command';

    await harness.commands.execute(CommandIDs.insertKey, {
      path: '/secrets/db-creds/password'
    });
    expect(messages()).toEqual([]);
    expect(source(harness.notebook, 1)).toBe(
      'from pathlib import Path\n' +
        "db_creds_password = Path('/secrets/db-creds/password').read_text(encoding='utf-8').removesuffix('\\n')"
    );
  });

  it('follows the kernel language: R', async () => {
    harness = setup('R');
    await Promise.all(harness.notebook.widgets.map(cell => cell.ready));
    harness.notebook.activeCellIndex = 0;
    await harness.commands.execute(CommandIDs.insertKey, {
      path: '/secrets/db-creds/password'
    });
    expect(source(harness.notebook, 1)).toMatch(
      /^db_creds_password <- paste\(readLines\("\/secrets\/db-creds\/password"/
    );
  });

  it('takes a style argument when the language offers it', async () => {
    harness = setup('python');
    await Promise.all(harness.notebook.widgets.map(cell => cell.ready));
    harness.notebook.activeCellIndex = 0;
    await harness.commands.execute(CommandIDs.insertKey, {
      path: '/secrets/db-creds/password',
      style: 'ipython-bash'
    });
    expect(source(harness.notebook, 1)).toBe(
      '%%bash\nDB_CREDS_PASSWORD="$(cat /secrets/db-creds/password)"'
    );
  });

  it('explains when no notebook, console or editor is active', async () => {
    harness = setup();
    harness.setCurrent(new Widget());
    await harness.commands.execute(CommandIDs.insertReference);
    expect(messages()).toEqual([
      {
        type: 'warning',
        message:
          'Open a notebook, console or file editor to insert a secret reference.'
      }
    ]);
  });

  it('explains when the kernel language has no template', async () => {
    harness = setup('scala');
    await harness.commands.execute(CommandIDs.insertKey, {
      path: '/secrets/db-creds/password'
    });
    const [shown] = messages();
    expect(shown.type).toBe('warning');
    expect(shown.message).toContain('No secret reference template for "scala"');
    expect(source(harness.notebook)).toBe('a = 1');
  });

  it('explains when nothing is mounted', async () => {
    harness = setup();
    harness.model.mounts = [];
    await harness.commands.execute(CommandIDs.insertReference);
    const [shown] = messages();
    expect(shown.type).toBe('info');
    expect(shown.message).toContain('No mounted secret keys were found');
  });

  it('reloads a model that is not ready, and reports its error', async () => {
    harness = setup();
    harness.model.status = 'error';
    harness.model.error = 'The server extension is not installed.';
    await harness.commands.execute(CommandIDs.insertReference);
    expect(harness.model.refreshed).toBe(1);
    expect(messages()).toEqual([
      {
        type: 'error',
        message:
          'Could not list the mounted secrets: The server extension is not installed.'
      }
    ]);
  });

  it('explains an unknown key and a style without a template', async () => {
    harness = setup();
    await harness.commands.execute(CommandIDs.insertKey, {
      path: '/secrets/gone'
    });
    await harness.commands.execute(CommandIDs.insertKey, {
      path: '/secrets/tls/keystore.jks',
      style: 'ipython-shell'
    });
    // The manager lists the newest message first.
    const [second, first] = messages();
    expect([first.type, second.type]).toEqual(['warning', 'warning']);
    expect(first.message).toContain('"/secrets/gone" is not mounted');
    expect(second.message).toContain(
      'No IPython shell command (!) template for binary keys such as tls/keystore.jks'
    );
    expect(harness.notebook.model!.sharedModel.cells).toHaveLength(1);
  });

  it('labels insert-key with the folder/key it inserts', () => {
    harness = setup();
    expect(
      harness.commands.label(CommandIDs.insertKey, {
        path: '/secrets/db-creds/password'
      })
    ).toBe('Insert reference to db-creds/password');
    expect(harness.commands.label(CommandIDs.insertReference)).toBe(
      'Insert secret reference'
    );
  });
});
