/**
 * Secrets that hold a git credential: marked by `create --git-host`
 * (annotation `jupyterlab-secret-mounts/git-host`) or by Tekton's
 * `tekton.dev/git-N` annotations, which name the git server they are for.
 */
import { KubeError } from './errors';
import { GIT_HOST_ANNOTATION } from './secret-write';

const HOST = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:\d{1,5})?$/;
const TEKTON_GIT = /^tekton\.dev\/git-\d+$/;

/** `--git-host github.com` (or a URL): the host as the annotation keeps it. */
export function parseHostAnnotation(text: string): string {
  const host = text
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/+$/, '');
  if (!HOST.test(host)) {
    throw new KubeError(
      '--git-host takes a host name, optionally with a port: github.com, git.example.org:8443.'
    );
  }
  return host;
}

/** The git host a Secret's annotations name, if any (never reads a value). */
export function gitHostOf(
  annotations: Record<string, string> | undefined
): string | undefined {
  const ours = annotations?.[GIT_HOST_ANNOTATION];
  if (ours) {
    return ours;
  }
  const tekton = Object.entries(annotations ?? {}).find(([key]) =>
    TEKTON_GIT.test(key)
  );
  return tekton ? tekton[1].replace(/^https?:\/\//, '') : undefined;
}
