import { waitForDialog } from '@jupyterlab/testing';
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';

import { SecretMountsAPIError } from '../../src/api';
import type {
  ICreateStatus,
  IMoved,
  IMoveRequest
} from '../../src/mounts/types';
import { askAndMove } from '../../src/secrets/dialog';
import { moveCredential, scrubOutputs } from '../../src/secrets/move';
import type { ISecretCreation } from '../../src/secrets/tokens';
import { codeCell, notebookWith, stdout } from '../notebook/helpers';

const trans = nullTranslator.load('test');
const TOKEN = 'ghp_0123456789abcdefABCDEF0123456789abcd';
const STATUS: ICreateStatus = {
  allowed: true,
  target: 'workspace',
  mountRoot: '/secrets',
  ready: true,
  namespace: 'team-a',
  pod: 'ws-alice-0',
  owner: { kind: 'Workspace', name: 'alice' },
  reason: ''
};

/** A server that refuses or accepts as scripted, and keeps what it was sent. */
class FakeCreation implements ISecretCreation {
  readonly status = STATUS;
  readonly ready = true;
  readonly changed: Signal<ISecretCreation, void> = new Signal(this);
  readonly sent: IMoveRequest[] = [];
  constructor(private readonly _answers: (IMoved | Error)[]) {}
  async refresh(): Promise<void> {
    // nothing to load
  }
  async move(request: IMoveRequest): Promise<IMoved> {
    this.sent.push(request);
    const answer = this._answers.shift()!;
    if (answer instanceof Error) {
      throw answer;
    }
    return answer;
  }
}

function moved(secretName: string, key = 'token'): IMoved {
  const mountPath = `/secrets/${secretName}`;
  return {
    secretName,
    key,
    namespace: 'team-a',
    mountPath,
    path: `${mountPath}/${key}`,
    appears: 'restart',
    mountedBy: 'Workspace alice'
  };
}

/** Click a button of the open dialog by its label. */
async function click(label: string): Promise<void> {
  await waitForDialog();
  const button = Array.from(
    document.querySelectorAll<HTMLButtonElement>('.jp-Dialog button')
  ).find(b => b.textContent?.trim() === label);
  expect(button).toBeDefined();
  button!.click();
}

function dialogText(): string {
  return document.querySelector('.jp-Dialog')?.textContent ?? '';
}

describe('askAndMove', () => {
  it('shows the value masked and creates the Secret with the suggested names', async () => {
    const creation = new FakeCreation([moved('github-token')]);
    const done = askAndMove({
      creation,
      names: { secretName: 'github-token', key: 'token' },
      source: { kind: 'found', preview: 'ghp_********', length: TOKEN.length },
      value: () => TOKEN,
      trans
    });
    await waitForDialog();
    expect(dialogText()).toContain('ghp_******** (40 characters');
    expect(dialogText()).toContain('/secrets/github-token/token');
    expect(dialogText()).not.toContain(TOKEN);
    await click('Create Secret');
    expect(await done).toEqual(moved('github-token'));
    expect(creation.sent).toEqual([
      { secretName: 'github-token', key: 'token', value: TOKEN, addKey: false }
    ]);
  });

  it('after "name taken" offers another name or adding the key, with the refusal shown', async () => {
    const taken = new SecretMountsAPIError(
      'A Secret named db already exists in namespace team-a: choose another name, or add the key to it.',
      409,
      null,
      'AlreadyExists'
    );
    const creation = new FakeCreation([taken, moved('db-2')]);
    const done = askAndMove({
      creation,
      names: { secretName: 'db', key: 'password' },
      source: { kind: 'found', preview: 'hun*', length: 8 },
      value: () => 'hunter22',
      trans
    });
    await click('Create Secret');
    await waitForDialog();
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(dialogText()).toContain('A Secret named db already exists');
    expect(
      Array.from(document.querySelectorAll('.jp-Dialog button')).map(b =>
        b.textContent?.trim()
      )
    ).toEqual(['Cancel', 'Add key to db', 'Create db-2']);
    await click('Create db-2');
    expect((await done)?.secretName).toBe('db-2');
    expect(creation.sent.map(r => [r.secretName, r.addKey])).toEqual([
      ['db', false],
      ['db-2', false]
    ]);
  });

  it('sends nothing when the credential is gone, and nothing on cancel', async () => {
    const creation = new FakeCreation([]);
    const done = askAndMove({
      creation,
      names: { secretName: 'x', key: 'token' },
      source: { kind: 'found', preview: 'x*', length: 9 },
      value: () => null,
      trans
    });
    await click('Create Secret');
    await waitForDialog();
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(dialogText()).toContain('no longer where it was found');
    await click('Cancel');
    expect(await done).toBeNull();
    expect(creation.sent).toEqual([]);
  });
});

describe('moveCredential', () => {
  it('rewrites the literal, takes the value out of outputs, and saves', async () => {
    const notebook = notebookWith([
      codeCell(`GITHUB_TOKEN = "${TOKEN}"`, [stdout(`${TOKEN}\n`)]),
      codeCell('print(1)', [stdout('1\n')])
    ]);
    const cell = notebook.cells.get(0);
    const start = cell.sharedModel.getSource().indexOf(TOKEN);
    const creation = new FakeCreation([moved('github-token')]);
    const saved: string[] = [];
    const notices: string[] = [];
    const done = moveCredential(
      {
        cell,
        range: { start, end: start + TOKEN.length },
        language: 'python',
        ruleId: 'github-pat',
        preview: 'ghp_********'
      },
      {
        creation,
        notebook,
        save: async () => {
          saved.push(JSON.stringify(notebook.toJSON()));
        },
        trans,
        done: message => notices.push(message),
        failed: message => notices.push(`failed: ${message}`)
      }
    );
    await click('Create Secret');
    expect(await done).toBe(true);
    expect(cell.sharedModel.getSource()).toBe(
      "GITHUB_TOKEN = open('/secrets/github-token/token', encoding='utf-8').read().strip()"
    );
    expect(saved).toHaveLength(1);
    expect(saved[0]).not.toContain(TOKEN);
    expect(saved[0]).toContain('<moved to /secrets/github-token/token>');
    expect(notices[0]).toContain('appears when the workspace restarts');
    notebook.dispose();
  });

  it('counts the outputs it changed, and leaves the others alone', () => {
    const notebook = notebookWith([
      codeCell('a', [stdout(`x ${TOKEN} y`), stdout('other')]),
      codeCell('b', [
        {
          output_type: 'execute_result',
          execution_count: 1,
          metadata: {},
          data: { 'text/plain': `'${TOKEN}'` }
        }
      ])
    ]);
    expect(scrubOutputs(notebook, TOKEN, '<moved>')).toBe(2);
    const json = JSON.stringify(notebook.toJSON());
    expect(json).not.toContain(TOKEN);
    expect(json).toContain('x <moved> y');
    expect(json).toContain('other');
    notebook.dispose();
  });
});
