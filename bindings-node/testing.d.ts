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
  addFault(fault: Record<string, unknown>): Promise<{ id: string }>;
  clearFaults(): Promise<void>;
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
