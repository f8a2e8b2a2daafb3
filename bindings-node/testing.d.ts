import type { TokenSet } from './index';

export interface MockUser { id: string; email: string; displayName: string; password: string }
export interface MockOptions {
  seed?: number; users?: number; contactsPerUser?: number; friendsPerUser?: number;
  activitiesPerUser?: number; rateLimit?: number; rateLimitWindowSeconds?: number;
}
export declare const ALL_SCOPES: string[];
export declare class MockServer {
  private constructor();
  static start(options?: MockOptions): Promise<MockServer>;
  readonly url: string;
  readonly users: MockUser[];
  control(method: string, path: string, body?: unknown): Promise<any>;
  createApp(options?: { name?: string; redirectUris?: string[]; public?: boolean; scopes?: string[] }): Promise<{ clientId: string; clientSecret?: string }>;
  mintToken(user?: number | string, scopes?: string[], options?: { expiresIn?: number; app?: { clientId: string; clientSecret?: string } }): Promise<{ clientId: string; clientSecret?: string; userId: string; tokens: TokenSet; response: any }>;
  addFault(fault: Record<string, unknown>): Promise<{ id: string }>;
  clearFaults(): Promise<void>;
  requests(): Promise<any[]>;
  clearRequests(): Promise<void>;
  advanceClock(seconds: number): Promise<void>;
  actAs(userId: string, method: string, rest: string, body?: unknown): Promise<any>;
  close(): Promise<void>;
}
