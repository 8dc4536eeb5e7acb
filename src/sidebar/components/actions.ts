import { IRevealResponse, ISecretKey, ISecretMount } from '../../mounts/types';

/** What the panel can do with a key; an absent action renders no control at all. */
export interface IKeyActions {
  /** Put the key's absolute path on the system clipboard. */
  copyPath: (path: string) => Promise<void> | void;
  /** Insert a file-read snippet for the key (absent when no plugin provides the command). */
  insertReference?: (path: string) => void;
  /**
   * Fetch the value from the server. Only offered when the server policy allows reveal;
   * the caller shows it for a few seconds and forgets it.
   */
  reveal?: (mount: ISecretMount, key: ISecretKey) => Promise<IRevealResponse>;
  /** Set git up to read the key as a password (absent when Use for git is unavailable). */
  useForGit?: (path: string) => void;
}
