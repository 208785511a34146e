// What every page of a signed-in person shares: who they are, the API client, and the organization's
// catalogue (departments, campaigns, metrics, settings), loaded once and reloaded after a change.

import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { ok, type AppApi } from '../api/client';
import type { AlignmentSettings, Campaign, Department, MeResponse, MetricDefinition } from '../api/types';
import { OrgFormat } from './format';

export type Role = 'admin' | 'lead' | 'member' | 'viewer';

export interface Catalogue {
  departments: Department[];
  campaigns: Campaign[];
  metrics: MetricDefinition[];
  settings: AlignmentSettings | null;
}

export interface AppState {
  me: MeResponse;
  api: AppApi;
  role: Role;
  catalogue: Catalogue;
  format: OrgFormat;
  /** Reads the catalogue again (after a page changed it, or when the live feed says something moved). */
  reloadCatalogue(): Promise<void>;
  departmentName(id: string | null | undefined): string;
  campaignName(id: string | null | undefined): string;
  metric(key: string | null | undefined): MetricDefinition | undefined;
  /** Whether this person may act for a department: admins for all, leads and members for theirs. */
  actsFor(department: string): boolean;
  /** Whether this person leads a department (admins lead all). */
  leads(department: string): boolean;
}

const Ctx = createContext<AppState | null>(null);

export function useApp(): AppState {
  const state = useContext(Ctx);
  if (!state) throw new Error('useApp outside <AppProvider>');
  return state;
}

const empty: Catalogue = { departments: [], campaigns: [], metrics: [], settings: null };

export function AppProvider(props: { me: MeResponse; api: AppApi; children: ComponentChildren }) {
  const { me, api } = props;
  const [catalogue, setCatalogue] = useState<Catalogue>(empty);

  const reloadCatalogue = useCallback(async () => {
    const [departments, campaigns, metrics, settings] = await Promise.allSettled([
      ok(api.GET('/api/v1/departments')),
      ok(api.GET('/api/v1/campaigns')),
      ok(api.GET('/api/v1/metrics')),
      ok(api.GET('/api/v1/settings')),
    ]);
    setCatalogue((old) => ({
      departments: departments.status === 'fulfilled' ? (departments.value as Department[]) : old.departments,
      campaigns: campaigns.status === 'fulfilled' ? (campaigns.value as Campaign[]) : old.campaigns,
      metrics: metrics.status === 'fulfilled' ? (metrics.value as MetricDefinition[]) : old.metrics,
      settings: settings.status === 'fulfilled' ? (settings.value as AlignmentSettings) : old.settings,
    }));
  }, [api]);

  useEffect(() => {
    void reloadCatalogue();
  }, [reloadCatalogue]);

  const value = useMemo<AppState>(() => {
    const role = (me.role ?? 'viewer') as Role;
    const mine = new Set(me.departments ?? []);
    const departmentNames = new Map(catalogue.departments.map((d) => [d.id, d.name]));
    const campaignNames = new Map(catalogue.campaigns.map((c) => [c.id, c.name]));
    const metrics = new Map(catalogue.metrics.map((m) => [m.key, m]));
    return {
      me,
      api,
      role,
      catalogue,
      format: new OrgFormat(catalogue.settings),
      reloadCatalogue,
      departmentName: (id) => (id ? departmentNames.get(id) ?? id : ''),
      campaignName: (id) => (id ? campaignNames.get(id) ?? id : ''),
      metric: (key) => (key ? metrics.get(key) : undefined),
      actsFor: (department) => role === 'admin' || ((role === 'lead' || role === 'member') && mine.has(department)),
      leads: (department) => role === 'admin' || (role === 'lead' && mine.has(department)),
    };
  }, [me, api, catalogue, reloadCatalogue]);

  return <Ctx.Provider value={value}>{props.children}</Ctx.Provider>;
}
