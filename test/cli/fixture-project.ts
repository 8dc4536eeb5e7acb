/**
 * The fixture project of the end-to-end scan tests (fixtures/project):
 * notebooks, text files and configuration holding credentials.
 */
import { join } from 'path';

export const FIXTURE_PROJECT = join(__dirname, 'fixtures', 'project');

/** Every secret value in the fixture project: none may ever be printed. */
export const FIXTURE_SECRETS: readonly string[] = [
  'AKIAZ7VQX3M4PLR2TQWE',
  'q8Xz2LmN4pRt6VwY0bCdEfGhJkL3mN5pQ7rS9tUv',
  'sk-proj-Qw3rTy8UiOp2AsDf5GhJkL7ZxCvBnM9qWeRtYuIoPaSdFgHjKlZxCvBnT3BlbkFJq1W2e3R4t5Y6u7I8o9P0aSdFgHjKlZxCvBnMqWeRtYuIoPa',
  'xoxb-204812957361-3184720569123-Zq8Wm3Xn5Rt7Yv1Bc4Df6Gh2',
  'Vr7#pQ2xLm9z',
  'Lq8Zr2Tx6Wb1Yc5Vn9Md3Kp7'
];
