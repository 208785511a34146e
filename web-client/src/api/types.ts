// Names for the API's payloads. Every type here comes from the gateway's OpenAPI document
// (openapi.json, generated into schema.gen.ts by `npm run api-types`); none is written by hand.

import type { components, paths } from './schema.gen';

export type { paths };
export type Schemas = components['schemas'];

export type AlignmentSettings = Schemas['AlignmentSettings'];
export type ApiKeyResponse = Schemas['ApiKeyResponse'];
export type BoardLinkResponse = Schemas['BoardLinkResponse'];
export type BoardSnapshot = Schemas['BoardSnapshot'];
export type Campaign = Schemas['Campaign'];
export type CampaignActivity = Schemas['CampaignActivity'];
export type CampaignView = Schemas['CampaignView'];
export type CheckIn = Schemas['CheckIn'];
export type Contribution = Schemas['Contribution'];
export type CreateGoalRequest = Schemas['CreateGoalRequest'];
export type Department = Schemas['Department'];
export type DepartmentScorecard = Schemas['DepartmentScorecard'];
export type FeedEntry = Schemas['FeedEntry'];
export type FeedKind = Schemas['FeedKind'];
export type GoalCard = Schemas['GoalCard'];
export type GoalChange = Schemas['GoalChange'];
export type GoalEventResponse = Schemas['GoalEventResponse'];
export type GoalEventsPage = Schemas['GoalEventsPage'];
export type GoalKind = Schemas['GoalKind'];
export type GoalStatus = Schemas['GoalStatus'];
export type GoalView = Schemas['GoalView'];
export type HistoryPoint = Schemas['HistoryPoint'];
export type MeResponse = Schemas['MeResponse'];
export type MetricDefinition = Schemas['MetricDefinition'];
export type PersonResponse = Schemas['PersonResponse'];
export type Review = Schemas['Review'];
export type ReviewComparison = Schemas['ReviewComparison'];
export type RuleView = Schemas['RuleView'];
