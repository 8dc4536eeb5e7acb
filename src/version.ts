/** Replaced at bundle time by webpack.config.js (and by jest's globals in tests). */
declare const __SECRET_MOUNTS_VERSION__: string;

/** Version of this frontend bundle, compared with the server extension at start-up. */
export const FRONTEND_VERSION: string = __SECRET_MOUNTS_VERSION__;
