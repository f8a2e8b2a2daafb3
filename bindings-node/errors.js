'use strict';
// Error classes of `messenger-connect`, made from core's one table (`ErrorKind::ALL`, read
// from the addon by `errorKinds()`): one class per kind, named `ErrorKind::class_name()`,
// deriving from its parent kind's class or from `MessengerConnectError`. No status or code
// is mapped here: core decides the kind. The addon rejects with an Error whose message is
// `MCERR:` + core's `ErrorInfo` record (kind, className, message, description, status,
// code, target, requestId, retryAfter, details); `fromNative` raises its class. Messages
// never carry a token or a secret (core guarantees it; `TokenSet` redacts its own).

const native = require('./native.js');
const { TokenSet } = require('./tokens.js');

const PREFIX = 'MCERR:';

/** The root class: every error this package raises is one. */
class MessengerConnectError extends Error {
  /**
   * @param {string} message
   * @param {object} [info] core's `ErrorInfo` fields
   */
  constructor(message, info = {}) {
    super(message);
    this.name = new.target.name;
    /** core's `ErrorKind` identifier, e.g. `notFound`. */
    this.kind = info.kind ?? 'internal';
    /** The explanation alone (the server's message, what is wrong with the argument). */
    this.description = info.description ?? null;
    this.status = info.status ?? null;
    this.code = info.code ?? null;
    /** The field, query option or argument at fault. */
    this.target = info.target ?? null;
    this.requestId = info.requestId ?? null;
    /** Seconds the server asked to wait (`Retry-After`), or `null`. */
    this.retryAfter = info.retryAfter ?? null;
    this.details = info.details ?? [];
  }
}

/** The classes by name: the root, then one per kind of core's table (parents first). */
const classes = { MessengerConnectError };
/** The class name of each kind identifier. */
const classOfKind = {};
for (const { kind, className, parent } of JSON.parse(native.errorKinds())) {
  const Parent = parent ? classes[parent] : MessengerConnectError;
  // A computed key names the class expression after it.
  classes[className] = { [className]: class extends Parent {} }[className];
  classOfKind[kind] = className;
}

/** An error of `kind` (core's identifier) made on the JS side, e.g. a bad argument. */
function make(kind, message, fields = {}) {
  const Cls = classes[classOfKind[kind]] ?? MessengerConnectError;
  return new Cls(message, { kind, description: message, ...fields });
}

/** An argument refused before anything crosses to the addon: `InvalidArgumentError`. */
function invalidArgument(name, message) {
  return make('invalidArgument', `invalid argument \`${name}\`: ${message}`, {
    target: name,
    description: message,
  });
}

/** What `onTokens` threw, by id, until the error that carries it is made (bounded). */
const causes = new Map();
let lastCause = 0;
const MAX_CAUSES = 256;

/** Keeps a value `onTokens` threw; its id (never 0). */
function keepCause(value) {
  lastCause = (lastCause % Number.MAX_SAFE_INTEGER) + 1;
  causes.set(lastCause, value);
  if (causes.size > MAX_CAUSES) causes.delete(causes.keys().next().value);
  return lastCause;
}

function takeCause(id) {
  const value = causes.get(id);
  causes.delete(id);
  return value;
}

/**
 * Maps an error from the native addon to its class: an `MCERR:` record becomes the class
 * core named; a panic or any other native failure becomes an `InternalError` (its message
 * kept). Errors of our own classes pass through.
 */
function fromNative(err) {
  if (err instanceof MessengerConnectError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof message !== 'string' || !message.startsWith(PREFIX)) {
    return make('internal', message);
  }
  let r;
  try {
    r = JSON.parse(message.slice(PREFIX.length));
  } catch {
    return make('internal', message);
  }
  const Cls = classes[r.className] ?? MessengerConnectError;
  const e = new Cls(r.message, r);
  if (r.tokens) e.tokens = TokenSet.from(r.tokens);
  if (r.causeId) e.cause = takeCause(r.causeId);
  return e;
}

module.exports = { ...classes, fromNative, keepCause, invalidArgument };
