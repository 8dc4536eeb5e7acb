/** Command ids shared between plugins (the panel triggers insertion through a command). */
export namespace CommandIDs {
  /** Open the picker and insert a file-read snippet ("Insert secret reference"). */
  export const insertReference = 'secret-mounts:insert-reference';
  /** Insert the snippet for one key; args: `{ path: string }` (the key's absolute path). */
  export const insertKey = 'secret-mounts:insert-key';
  /** Open and focus the sidebar panel. */
  export const openPanel = 'secret-mounts:open-panel';
  /** Create a Kubernetes Secret from a typed value and mount it ("Add secret"). */
  export const addSecret = 'secret-mounts:add-secret';
  /** Reload the list of mounts from the server. */
  export const refresh = 'secret-mounts:refresh';
  /** Set git up to read a key as its password for a host; args: `{ path?: string }`. */
  export const useForGit = 'secret-mounts:use-for-git';
}
