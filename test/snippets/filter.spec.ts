import type { ISecretKey, ISecretMount } from '../../src/mounts/types';
import { filterKeyRefs, keyRefs, refLabel } from '../../src/snippets/filter';

function key(name: string, extra: Partial<ISecretKey> = {}): ISecretKey {
  return {
    name,
    path: `/x/${name}`,
    size: 1,
    mode: '0644',
    mtime: 0,
    binary: false,
    json: false,
    fingerprint: 'f',
    ...extra
  };
}

function mount(
  name: string,
  keys: ISecretKey[],
  extra: Partial<ISecretMount> = {}
): ISecretMount {
  return {
    path: `/secrets/${name}`,
    name,
    kind: 'kubernetes',
    rotates: true,
    updated: 0,
    root: '/secrets',
    keys: keys.map(k => ({ ...k, path: `/secrets/${name}/${k.name}` })),
    ...extra
  };
}

const MOUNTS = [
  mount('db-creds', [
    key('username'),
    key('password'),
    key('broken', { error: 'denied' })
  ]),
  mount('api-token', [key('token')]),
  mount('unreadable', [key('x')], { error: 'permission denied' })
];

describe('keyRefs', () => {
  it('lists readable keys of readable folders, in order', () => {
    expect(keyRefs(MOUNTS).map(refLabel)).toEqual([
      'db-creds/username',
      'db-creds/password',
      'api-token/token'
    ]);
  });
});

describe('filterKeyRefs', () => {
  const refs = keyRefs(MOUNTS);
  const labels = (query: string) => filterKeyRefs(refs, query).map(refLabel);

  it('keeps everything for an empty query', () => {
    expect(labels('  ')).toHaveLength(3);
  });

  it('matches every term, case-insensitively, in folder/key', () => {
    expect(labels('PASS')).toEqual(['db-creds/password']);
    expect(labels('db user')).toEqual(['db-creds/username']);
    expect(labels('creds/p')).toEqual(['db-creds/password']);
    expect(labels('token db')).toEqual([]);
  });

  it('matches the folder path too', () => {
    expect(labels('/secrets/api')).toEqual(['api-token/token']);
  });
});
