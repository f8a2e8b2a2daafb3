'use strict';
// Objects that hold secrets: `TokenSet` (the tokens of a user or an app) and
// `AuthorizationRequest` (a started sign-in, holding the PKCE code verifier). Their secrets
// are readable properties, but `console.log`, `util.inspect`, `String()` and
// `JSON.stringify` show `[redacted]` in their place, so logging one, or an error or object
// holding one, never prints a secret. To persist one, store `x.toStorage()` (the secrets
// in clear); the client's methods take either form back.

const { inspect } = require('util');

const REDACTED = '[redacted]';

/** The shared behaviour: `from`, `toStorage`, and redaction in `toJSON`/`toString`/`inspect`. */
class SecretHolder {
  /** An instance from its stored form (the object `toStorage()` returns). */
  static from(stored) {
    return stored instanceof this ? stored : Object.assign(new this(), stored);
  }

  /** The plain object to persist: every field, the secrets in clear. */
  toStorage() {
    return { ...this };
  }

  /** The form `JSON.stringify` writes: the secrets replaced by `[redacted]`. */
  toJSON() {
    const out = { ...this };
    for (const k of this.constructor.SECRETS) if (out[k] !== undefined && out[k] !== null) out[k] = REDACTED;
    return out;
  }

  toString() {
    return `${this.constructor.name} ${JSON.stringify(this)}`;
  }

  [inspect.custom](depth, options, inspectFn = inspect) {
    const inner = inspectFn(this.toJSON(), { ...options, depth: options.depth === null ? null : options.depth - 1 });
    return `${this.constructor.name} ${inner}`;
  }
}

/** The tokens of a user or an app; the access, refresh and id tokens are secrets. */
class TokenSet extends SecretHolder {
  static SECRETS = ['accessToken', 'refreshToken', 'idToken'];
}

/** A started authorization-code sign-in (`auth.authorizationUrl`): `{url, state, nonce,
 * codeVerifier, redirectUri, scopes}`; the code verifier is a secret. */
class AuthorizationRequest extends SecretHolder {
  static SECRETS = ['codeVerifier'];
}

/** The plain object with the secrets of a holder of class `cls` or of its stored form;
 * `redacted` is true when it is the `JSON.stringify` form of one (its secrets are gone). */
function storable(value, cls = TokenSet) {
  const plain = value instanceof cls ? value.toStorage() : value;
  const redacted = cls.SECRETS.some((k) => plain?.[k] === REDACTED);
  return { plain, redacted };
}

module.exports = { TokenSet, AuthorizationRequest, storable };
