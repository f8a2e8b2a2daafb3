// The API's shapes, from the types generated out of spec/openapi.yaml (api-types.ts).

import type { components } from './api-types.js';

type S = components['schemas'];
export type Me = S['Me'];
export type MeUpdate = S['MeUpdate'];
export type Presence = S['Presence'];
export type Status = S['Status'];
export type StatusUpdate = S['StatusUpdate'];
export type PublicProfile = S['PublicProfile'];
export type Contact = S['Contact'];
export type Friend = S['Friend'];
export type Invitation = S['Invitation'];
export type Activity = S['Activity'];
export type NewActivity = S['ActivityCreate'];
export type Conversation = S['Conversation'];
export type Message = S['Message'];
export type Person = S['Person'];
export type { components, paths } from './api-types.js';
