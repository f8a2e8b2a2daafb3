// @messenger-connect/web: Messenger Connect for web pages.

export { MessengerConnect } from './client.js';
export type { ClientOptions, CreateOptions } from './client.js';
export { completePopup } from './auth.js';
export type { Account, SignInOptions } from './auth.js';
export * from './errors.js';
export { LiveEvents } from './events.js';
export type { LiveEvent, LiveEventsOptions } from './events.js';
export { Filter, literal, odata, queryString } from './odata.js';
export type { QueryOptions } from './odata.js';
export { Paged } from './paging.js';
export type { Page } from './paging.js';
export { memoryStore, TokenSet, webStorageStore } from './tokens.js';
export type { TokenData, TokenStore } from './tokens.js';
export type * from './types.js';
