// Every scanner the bench compares, each one module with the same contract:
//   id, label                       names
//   install(why) -> handle | null   installs it (offline once cached); null with why.reason if not
//   version(handle)                 its version
//   command(targets, handle)        { command, args, env? }: one whole process over files/folders
//   okStatus(status)                whether an exit status means the scan ran
//   parse(stdout, targets)          findings as { path, line, rule, valueHash }
// scanWith(peer, targets) (common.mjs) runs one with no network and times it.
import { betterleaks } from './betterleaks.mjs';
import { detectSecrets } from './detect-secrets.mjs';
import { kingfisher } from './kingfisher.mjs';
import { ours } from './ours.mjs';
import { secretlint } from './secretlint.mjs';

export { scanWith } from './common.mjs';
export { ours };

export const PEERS = [kingfisher, betterleaks, secretlint, detectSecrets];
