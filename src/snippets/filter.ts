/**
 * The folder/key pairs offered by the picker. Pure: no DOM.
 */
import type { ISecretMount } from '../mounts/types';
import type { IKeyRef } from '../mounts/tokens';

/** Every readable key of every readable folder, in the server's order. */
export function keyRefs(mounts: readonly ISecretMount[]): IKeyRef[] {
  return mounts
    .filter(mount => !mount.error)
    .flatMap(mount =>
      mount.keys.filter(key => !key.error).map(key => ({ mount, key }))
    );
}

/** How a pair is shown and matched: `db-creds/password`. */
export function refLabel(ref: IKeyRef): string {
  return `${ref.mount.name}/${ref.key.name}`;
}

/**
 * Pairs matching every whitespace-separated term of the query, case-insensitively, in the
 * label or the folder's path. Order is kept, so the list does not jump while typing.
 */
export function filterKeyRefs(
  refs: readonly IKeyRef[],
  query: string
): IKeyRef[] {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) {
    return [...refs];
  }
  return refs.filter(ref => {
    const text = `${refLabel(ref)} ${ref.mount.path}`.toLowerCase();
    return terms.every(term => text.includes(term));
  });
}
