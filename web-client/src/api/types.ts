// Names for the API's payloads. Every type here comes from the gateway's OpenAPI document
// (openapi.json, generated into schema.gen.ts by `npm run api-types`); none is written by hand.

import type { components, paths } from './schema.gen';

export type { paths };
export type Schemas = components['schemas'];

export type AlignmentSettings = Schemas['AlignmentSettings'];
export type ActivityRequest = Schemas['ActivityRequest'];
export type ActivityTargetRequest = Schemas['ActivityTargetRequest'];
export type ActivityView = Schemas['ActivityView'];
export type AddPersonRequest = Schemas['AddPersonRequest'];
export type ApiKeyResponse = Schemas['ApiKeyResponse'];
export type BoardLinkResponse = Schemas['BoardLinkResponse'];
export type BoardSnapshot = Schemas['BoardSnapshot'];
export type Campaign = Schemas['Campaign'];
export type CampaignActivity = Schemas['CampaignActivity'];
export type CampaignView = Schemas['CampaignView'];
export type ChangePersonRequest = Schemas['ChangePersonRequest'];
export type CheckIn = Schemas['CheckIn'];
export type Contribution = Schemas['Contribution'];
export type CreateApiKeyResponse = Schemas['CreateApiKeyResponse'];
export type CreateBoardLinkResponse = Schemas['CreateBoardLinkResponse'];
export type CreateCampaignRequest = Schemas['CreateCampaignRequest'];
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
export type MetricValue = Schemas['MetricValue'];
export type MetricDefinition = Schemas['MetricDefinition'];
export type PersonAddedResponse = Schemas['PersonAddedResponse'];
export type PersonResponse = Schemas['PersonResponse'];
export type Review = Schemas['Review'];
export type ReviewComparison = Schemas['ReviewComparison'];
export type RuleView = Schemas['RuleView'];
export type SetActivityRequest = Schemas['SetActivityRequest'];
export type SettingsRequest = Schemas['SettingsRequest'];
export type SsoConfigRequest = Schemas['SsoConfigRequest'];
export type SsoConfigResponse = Schemas['SsoConfigResponse'];
export type TargetView = Schemas['TargetView'];
export type TotalsView = Schemas['TotalsView'];
