import { Notification } from '@jupyterlab/apputils';
import type { Event } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { Stream } from '@lumino/signaling';

import {
  ISaveCheck,
  ISaveReport,
  SAVE_CHECK_EVENT,
  SaveNotices
} from '../../src/notebook/savenotices';

const trans = nullTranslator.load('jupyterlab-secret-mounts');

const MARKED =
  'Saved with markers instead of the credential-like values in cell 2 (matches mounted secret db-creds/password): ...';

/** The server's event bus as a page sees it: a stream of emissions. */
class FakeEvents implements Event.IManager {
  readonly serverSettings = {} as Event.IManager['serverSettings'];
  private readonly _stream = new Stream<Event.IManager, Event.Emission>(this);
  readonly stream: Event.Stream = this._stream;
  isDisposed = false;
  emit(): Promise<void> {
    return Promise.resolve();
  }
  dispose(): void {
    this.isDisposed = true;
  }
  send(check: Partial<ISaveCheck>, schema = SAVE_CHECK_EVENT): void {
    this._stream.emit({
      schema_id: schema,
      path: 'work.ipynb',
      policy: 'block',
      outcome: 'marked',
      message: MARKED,
      checked: ++this._clock,
      ...check
    } as Event.Emission);
  }
  private _clock = 100;
}

function shown(): Notification.INotification[] {
  return Notification.manager.notifications;
}

describe('SaveNotices', () => {
  let events: FakeEvents;
  let open: Set<string>;
  let showFindings: jest.Mock;
  let notices: SaveNotices;

  function setUp(report?: Partial<ISaveReport>): void {
    events = new FakeEvents();
    open = new Set(['work.ipynb', 'notes.py']);
    showFindings = jest.fn();
    notices = new SaveNotices({
      events,
      trans,
      isOpen: path => open.has(path),
      canShowFindings: path => path.endsWith('.ipynb'),
      showFindings,
      fetchReport: async path => ({
        path,
        policy: 'block',
        checked: null,
        blocked: false,
        message: 'No credentials found.',
        findings: [],
        ...report
      })
    });
  }

  afterEach(() => {
    notices.dispose();
    Notification.dismiss();
  });

  it('keeps one notification per open file, naming the place, until a clean save', () => {
    setUp();
    events.send({});
    expect(shown()).toHaveLength(1);
    expect(shown()[0].message).toBe(MARKED);
    expect(shown()[0].type).toBe('warning');
    expect(shown()[0].options.autoClose).toBe(false);

    // The collaboration server saves again every second: no new notification.
    events.send({});
    events.send({});
    expect(shown()).toHaveLength(1);

    shown()[0].options.actions![0].callback(new MouseEvent('click'));
    expect(showFindings).toHaveBeenCalledWith('work.ipynb');

    events.send({ outcome: 'clean', message: 'No credentials found.' });
    expect(shown()).toHaveLength(0);
  });

  it('replaces the notification when the findings change, and tells refused saves apart', () => {
    setUp();
    events.send({
      outcome: 'warned',
      policy: 'warn',
      message: 'Saved, but found: cell 1'
    });
    events.send({ outcome: 'blocked', message: 'Save blocked by ...: cell 3' });
    expect(shown().map(n => [n.type, n.message])).toEqual([
      ['error', 'Save blocked by ...: cell 3']
    ]);
  });

  it('ignores files not open here, other events and malformed ones', () => {
    setUp();
    events.send({ path: 'elsewhere.ipynb' });
    events.send(
      {},
      'https://events.jupyter.org/jupyter_server/contents_service/v1'
    );
    events.send({ outcome: 'exploded' as ISaveCheck['outcome'] });
    events.send({ message: 42 as unknown as string });
    expect(shown()).toHaveLength(0);
  });

  it('text files are notified without a findings list', () => {
    setUp();
    events.send({ path: 'notes.py' });
    expect(shown()[0].options.actions).toEqual([]);
  });

  it('a page opening a file learns the outcome of its last save', async () => {
    setUp({ checked: 50, marked: true, message: MARKED, findings: [{}] });
    await notices.opened('work.ipynb');
    expect(shown().map(n => n.message)).toEqual([MARKED]);

    notices.closed('work.ipynb');
    expect(shown()).toHaveLength(0);
  });

  it('an older report does not overwrite a newer event', async () => {
    setUp({ checked: 50, blocked: true, message: 'old', findings: [{}] });
    events.send({ outcome: 'warned', message: 'new' }); // checked 101
    await notices.opened('work.ipynb');
    expect(shown().map(n => n.message)).toEqual(['new']);
  });

  it('a file never checked, or checked clean, shows nothing when opened', async () => {
    setUp();
    await notices.opened('work.ipynb');
    setUp({ checked: 10 });
    await notices.opened('work.ipynb');
    expect(shown()).toHaveLength(0);
  });
});
