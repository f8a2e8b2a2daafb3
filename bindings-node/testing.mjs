// ESM entry point of `messenger-connect/testing`.
import cjs from './testing.js';

export const { MockServer, ALL_SCOPES } = cjs;
export default cjs;
