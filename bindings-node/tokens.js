'use strict';
// `TokenSet`: the tokens of a user or an app. Its secrets (access, refresh and id tokens)
// are readable properties, but `console.log`, `util.inspect`, `String()` and
// `JSON.stringify` show `[redacted]` in their place, so logging a token set, or an error or
// object holding one, never prints a token. To persist it, store `tokens.toStorage()`
// (the secrets in clear); `new Client({ tokens })` and `setTokens` take either form back.

const { inspect } = require('util');

/** The fields that are secrets. */
const SECRETS = ['accessToken', 'refreshToken', 'idToken'];
const REDACTED = '[redacted]';

class TokenSet {
  /** A token set from its stored form (the object `toStorage()` returns). */
  static from(stored) {
    return stored instanceof TokenSet ? stored : Object.assign(new TokenSet(), stored);
  }

  /** The plain object to persist: every field, the secrets in clear. */
  toStorage() {
    return { ...this };
  }

  /** The form `JSON.stringify` writes: the secrets replaced by `[redacted]`. */
  toJSON() {
    const out = { ...this };
    for (const k of SECRETS) if (out[k] !== undefined && out[k] !== null) out[k] = REDACTED;
    return out;
  }

  toString() {
    return `TokenSet ${JSON.stringify(this)}`;
  }

  [inspect.custom](depth, options, inspectFn = inspect) {
    return `TokenSet ${inspectFn(this.toJSON(), { ...options, depth: options.depth === null ? null : options.depth - 1 })}`;
  }
}

/** The plain object with the secrets of a `TokenSet` or of a stored token set; `true`
 * `redacted` when it is the `JSON.stringify` form of one (its secrets are gone). */
function storable(tokens) {
  const plain = tokens instanceof TokenSet ? tokens.toStorage() : tokens;
  const redacted = SECRETS.some((k) => plain?.[k] === REDACTED);
  return { plain, redacted };
}

module.exports = { TokenSet, storable };
