import type { TokenSet } from './index';

export interface MockUser { id: string; email: string; displayName: string; password: string }
import type { NativeMockOptions } from './native';

/** Options of `MockServer.start` (generated from the Rust code by `napi build --dts`). */
export type MockOptions = NativeMockOptions;
export declare const ALL_SCOPES: string[];
export declare class MockServer {
  private constructor();
  static start(options?: MockOptions): Promise<MockServer>;
  readonly url: string;
  readonly users: MockUser[];
  control(method: string, path: string, body?: unknown): Promise<any>;
  /**
   * Runs a control-plane operation by name, in-process (the mock's `Control::call`):
   * its parsed JSON answer. A refusal rejects with an `Error` whose `code` is the mock's
   * code (`validationFailed`, `notFound`...).
   */
  call(op: string, args?: Record<string, unknown>): Promise<any>;
  createApp(options?: { name?: string; redirectUris?: string[]; public?: boolean; scopes?: string[] }): Promise<{ clientId: string; clientSecret?: string }>;
  mintToken(user?: number | string, scopes?: string[], options?: { expiresIn?: number; app?: { clientId: string; clientSecret?: string } }): Promise<{ clientId: string; clientSecret?: string; userId: string; tokens: TokenSet; response: any }>;
  /** Back to the seeded state; the new users (then in `users`). Apps made before are gone. */
  reset(options?: MockOptions): Promise<MockUser[]>;
  /** The server's users now (seeded and created). */
  listUsers(): Promise<MockUser[]>;
  /** Adds a user → the new user. */
  createUser(user: { displayName: string; email: string; password: string }): Promise<MockUser>;
  addFault(fault: Record<string, unknown>): Promise<{ id: string }>;
  /** The armed faults, each with `id` and `fired`. */
  faults(): Promise<Array<{ id: string; fired: number; [key: string]: unknown }>>;
  removeFault(id: string): Promise<void>;
  clearFaults(): Promise<void>;
  /** The server's time now (RFC 3339). */
  clock(): Promise<string>;
  /** Sizes of the server's bounded stores. */
  stats(): Promise<Record<string, unknown>>;
  settings(): Promise<Record<string, unknown>>;
  updateSettings(settings: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** The live-event log of a user after `since`. */
  events(user: number | string, since?: number): Promise<{ events: any[]; seq: number; resync: boolean }>;
  /** Logs a live event for a user and pushes it to the user's sockets → its frame. */
  publishEvent(user: number | string, event: { type: string; data?: unknown }): Promise<any>;
  approveDevice(userCode: string, user?: number | string): Promise<unknown>;
  denyDevice(userCode: string, user?: number | string): Promise<unknown>;
  /** The request journal (secrets redacted), optionally filtered (`method`, `path` prefix, `status`...). */
  requests(filter?: Record<string, unknown>): Promise<any[]>;
  clearRequests(): Promise<void>;
  advanceClock(seconds: number): Promise<void>;
  actAs(userId: string, method: string, rest: string, body?: unknown): Promise<any>;
  /** The id of a seeded user given by index, or the id itself. */
  userId(user: number | string): string;
  /** Records that a user already consented to an app's scopes (then `prompt: 'none'` works). */
  grantConsent(user: number | string, clientId: string, scopes?: string[]): Promise<void>;
  /** Opens an authorization URL as a signed-in browser would: the URL it is redirected to. */
  authorize(url: string): Promise<string>;
  /** The user answers the device code on the device page (`approveDevice` / `denyDevice`). */
  answerDeviceCode(userCode: string, user?: number | string, decision?: 'allow' | 'deny'): Promise<unknown>;
  /** The invited person accepts an invitation. */
  acceptInvitation(invitationId: string): Promise<unknown>;
  close(): Promise<void>;
}
