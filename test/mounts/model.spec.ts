import { SecretMountsModel } from '../../src/mounts/model';
import { FakeServer, json, makeMount, nextEmission } from './fakeserver';

describe('SecretMountsModel', () => {
  let server: FakeServer;
  let model: SecretMountsModel;

  beforeEach(() => {
    server = new FakeServer();
    server.listing = {
      mounts: [
        makeMount('/secrets/db-creds', ['password', 'username']),
        makeMount('/secrets/tls', ['tls/cert.pem', 'tls/key.pem'])
      ],
      warnings: ['/vault/secrets is not readable'],
      etag: '"e1"'
    };
  });

  afterEach(() => {
    model?.dispose();
  });

  function create(options: Partial<SecretMountsModel.IOptions> = {}) {
    model = new SecretMountsModel({
      serverSettings: server.settings,
      autoStart: false,
      ...options
    });
    return model;
  }

  it('starts in the loading state', () => {
    create();
    expect(model.status).toBe('loading');
    expect(model.mounts).toEqual([]);
    expect(model.policy).toBeNull();
  });

  it('loads version, policy and mounts and emits changed', async () => {
    create();
    const emitted = nextEmission(model.changed);
    await model.refresh();
    await emitted;
    expect(model.status).toBe('ready');
    expect(model.error).toBeNull();
    expect(model.serverVersion).toBe('0.1.0');
    expect(model.policy?.allowReveal).toBe(false);
    expect(model.mounts.map(m => m.path)).toEqual([
      '/secrets/db-creds',
      '/secrets/tls'
    ]);
    expect(model.warnings).toEqual(['/vault/secrets is not readable']);
    await expect(model.ready).resolves.toBeUndefined();
  });

  it('sends the authentication token with every call', async () => {
    create();
    await model.refresh();
    expect(server.requests.length).toBeGreaterThan(0);
    for (const request of server.requests) {
      expect(request.headers.get('Authorization')).toBe('token test-token');
    }
  });

  it('finds keys by absolute path, including nested keys', async () => {
    create();
    await model.refresh();
    const ref = model.findKey('/secrets/tls/tls/cert.pem');
    expect(ref?.mount.path).toBe('/secrets/tls');
    expect(ref?.key.name).toBe('tls/cert.pem');
    expect(model.findKey('/secrets/db-creds/nope')).toBeUndefined();
    expect(model.findKey('/secrets/db-creds')).toBeUndefined();
  });

  describe('polling', () => {
    it('loads once and sends nothing more while nobody watches', async () => {
      create({ pollInterval: 250, autoStart: true });
      await model.ready;
      const count = server.requests.length;
      await sleep(800);
      expect(server.requests.length).toBe(count);
      expect(model.isPolling).toBe(false);
    });

    it('polls at the interval while watched, and stops when the watcher goes', async () => {
      create({ pollInterval: 250, autoStart: true });
      await model.ready;
      const before = server.calls('mounts').length;
      const watching = model.watch();
      await waitFor(() => server.calls('mounts').length >= before + 3);
      watching.dispose();
      await sleep(300); // a poll already under way may still land
      const after = server.calls('mounts').length;
      await sleep(800);
      expect(server.calls('mounts').length).toBe(after);
    });

    it('polls as often as the most eager watcher asks', async () => {
      create({ pollInterval: 250, autoStart: true });
      await model.ready;
      const slow = model.watch(60 * 1000); // an open notebook
      await waitFor(() => server.calls('mounts').length === 2); // a first check right away
      await sleep(800);
      expect(server.calls('mounts')).toHaveLength(2); // then nothing for a minute

      const panel = model.watch(); // the panel opens: checks at the poll interval
      await waitFor(() => server.calls('mounts').length >= 5);
      panel.dispose();
      await sleep(300);
      const after = server.calls('mounts').length;
      await sleep(800);
      expect(server.calls('mounts').length).toBe(after);
      expect(model.isPolling).toBe(true); // still watched by the notebook
      slow.dispose();
      expect(model.isPolling).toBe(false);
    });

    it('a poll interval of 0 turns polling off, whoever watches', async () => {
      create({ pollInterval: 0, autoStart: true });
      await model.ready;
      const watching = model.watch(250);
      await sleep(800);
      expect(server.calls('mounts')).toHaveLength(1);
      model.pollInterval = 250;
      await waitFor(() => server.calls('mounts').length >= 3);
      watching.dispose();
    });

    it('sends the last ETag and keeps state quietly on 304', async () => {
      create({ pollInterval: 250, autoStart: true });
      await model.ready;
      model.watch();
      const before = model.mounts;
      let emissions = 0;
      model.changed.connect(() => emissions++);

      // Wait for at least two more polls.
      const target = server.calls('mounts').length + 2;
      await waitFor(() => server.calls('mounts').length >= target);

      const polls = server.calls('mounts').slice(1);
      expect(polls.length).toBeGreaterThan(0);
      for (const poll of polls) {
        expect(poll.headers.get('If-None-Match')).toBe('"e1"');
      }
      expect(model.mounts).toBe(before);
      expect(emissions).toBe(0);
      // Version and policy are loaded once, not on every tick.
      expect(server.calls('version')).toHaveLength(1);
      expect(server.calls('policy')).toHaveLength(1);
    });

    it('picks up a rotation without a manual refresh', async () => {
      create({ pollInterval: 250, autoStart: true });
      await model.ready;
      model.watch();
      expect(model.findKey('/secrets/db-creds/password')).toBeDefined();

      const changed = nextEmission(model.changed);
      server.rotate(
        [makeMount('/secrets/db-creds', ['password', 'api-token'])],
        '"e2"'
      );
      await changed;

      expect(model.mounts).toHaveLength(1);
      expect(model.findKey('/secrets/db-creds/api-token')).toBeDefined();
      expect(model.findKey('/secrets/tls/tls/cert.pem')).toBeUndefined();
    });

    it('stops polling when disposed', async () => {
      create({ pollInterval: 250, autoStart: true });
      await model.ready;
      model.watch();
      model.dispose();
      const count = server.requests.length;
      await sleep(700);
      expect(server.requests.length).toBe(count);
      expect(model.isDisposed).toBe(true);
    });
  });

  it('refresh() ignores the ETag and reloads the policy', async () => {
    create();
    await model.refresh();
    server.policy = { ...server.policy, allowReveal: true };
    await model.refresh();
    const last = server.calls('mounts').pop();
    expect(last?.headers.get('If-None-Match')).toBeNull();
    expect(model.policy?.allowReveal).toBe(true);
  });

  describe('errors', () => {
    it('explains a missing server extension (404): not enabled, or failed to load', async () => {
      create();
      server.failNext('version', json({ message: 'Not Found' }, 404));
      await model.refresh();
      expect(model.status).toBe('error');
      expect(model.error).toContain('not enabled');
      expect(model.error).toContain(
        'jupyter server extension enable jupyterlab_secret_mounts'
      );
      expect(model.error).toContain('failed to load');
      expect(model.error).toContain('server log');
    });

    it('explains a refused request (403)', async () => {
      create();
      server.failNext('mounts', json({ message: 'Forbidden' }, 403));
      await model.refresh();
      expect(model.status).toBe('error');
      expect(model.error).toContain('403');
      expect(model.error).toContain('reload the page');
    });

    it('explains an unreachable server', async () => {
      create();
      server.failNext('mounts', new TypeError('Failed to fetch'));
      await model.refresh();
      expect(model.status).toBe('error');
      expect(model.error).toContain('Cannot reach the Jupyter server');
    });

    it('passes on the server message of a 500', async () => {
      create();
      server.failNext('mounts', json({ message: 'root listing failed' }, 500));
      await model.refresh();
      expect(model.error).toContain('root listing failed');
      expect(model.error).toContain('server log');
    });

    it('reports a malformed answer instead of crashing', async () => {
      create();
      server.failNext('mounts', json({ mounts: 'nope' }));
      await model.refresh();
      expect(model.status).toBe('error');
      expect(model.error).toContain('same version');
      server.failNext('mounts', new Response('<html>', { status: 200 }));
      await model.refresh();
      expect(model.status).toBe('error');
    });

    it('keeps the last listing during an error and recovers', async () => {
      create();
      await model.refresh();
      server.failNext('mounts', json({ message: 'boom' }, 500));
      await model.refresh();
      expect(model.status).toBe('error');
      expect(model.mounts).toHaveLength(2);
      await model.refresh();
      expect(model.status).toBe('ready');
      expect(model.error).toBeNull();
    });

    it('shows the loading state when retrying from an empty error', async () => {
      create();
      server.failNext('mounts', json({ message: 'boom' }, 500));
      await model.refresh();
      const states: string[] = [];
      model.changed.connect(() => states.push(model.status));
      await model.refresh();
      expect(states).toEqual(['loading', 'ready']);
    });

    it('backs off and keeps retrying while the server fails', async () => {
      create({ pollInterval: 250, autoStart: true });
      await model.ready;
      model.watch();
      for (let i = 0; i < 3; i++) {
        server.failNext('mounts', new TypeError('Failed to fetch'));
      }
      await waitFor(() => model.status === 'error');
      await waitFor(() => model.status === 'ready', 20000);
      expect(model.error).toBeNull();
    }, 25000);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

async function waitFor(check: () => boolean, timeout = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeout) {
      throw new Error('condition not met in time');
    }
    await sleep(20);
  }
}
