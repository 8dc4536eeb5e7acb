/** REST shapes of `/secret-mounts/git` (jupyterlab_secret_mounts/git/service.py). */

/** One host git reads a mounted key for. Never carries the value. */
export interface IGitCredential {
  /** `scheme://host[:port]`, git's `credential.<url>` section. */
  url: string;
  username: string;
  /** Folder path and key name of the mounted secret. */
  mount: string;
  key: string;
  /**
   * `ok`; `missing`: the key is not found under the server's policy now (git will fail);
   * `overridden`: a later empty `helper =` line in git's config makes git skip ours.
   */
  status: 'ok' | 'missing' | 'overridden';
  /** Other credential helpers git also hands the token to once it worked (they may store it). */
  alsoGivenTo: string[];
}

/** GET /secret-mounts/git, and the answer to POST and DELETE. */
export interface IGitCredentialsResponse {
  /** Whether the administrator allows Use for git (`c.SecretMounts.allow_git_credentials`). */
  allowed: boolean;
  credentials: IGitCredential[];
  /** Why git's config could not be read (git missing, a broken config file). */
  error?: string;
}

/** POST /secret-mounts/git body. */
export interface IUseForGitRequest {
  mount: string;
  key: string;
  /** `github.com`, `https://gitlab.example.com:8443`, `http://127.0.0.1:9095`. */
  host: string;
  username: string;
}
