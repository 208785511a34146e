// The app of a signed-in person: the navigation and the page the address (#/...) names. The war room
// (#/war-room/<board>) is the board of main.ts and board-view.ts; this shell renders nothing for it.

import type { FunctionComponent } from 'preact';
import { render } from 'preact';
import type { AppApi } from '../api/client';
import type { MeResponse } from '../api/types';
import { AppProvider, useApp } from './context';
import { href, useRoute, type Route } from './router';
import { HomePage } from '../pages/home';
import { GoalsPage } from '../pages/goals';
import { GoalPage } from '../pages/goal';
import { GoalFormPage } from '../pages/goal-form';
import { CampaignsPage } from '../pages/campaigns';
import { CampaignPage } from '../pages/campaign';
import { FeedPage } from '../pages/feed';
import { ReviewsPage } from '../pages/reviews';
import { SettingsPage } from '../pages/settings';
import { IntegrationsPage } from '../pages/integrations';

export interface PageProps {
  route: Route;
}

const pages: Record<string, FunctionComponent<PageProps>> = {
  home: HomePage,
  goals: GoalsPage,
  goal: GoalPage,
  'goal-new': GoalFormPage,
  'goal-edit': GoalFormPage,
  campaigns: CampaignsPage,
  'campaign-new': CampaignsPage,
  campaign: CampaignPage,
  feed: FeedPage,
  reviews: ReviewsPage,
  review: ReviewsPage,
  settings: SettingsPage,
  integrations: IntegrationsPage,
};

/** Which navigation entry a page belongs to. */
const section: Record<string, string> = {
  home: 'home',
  goals: 'goals',
  goal: 'goals',
  'goal-new': 'goals',
  'goal-edit': 'goals',
  campaigns: 'campaigns',
  'campaign-new': 'campaigns',
  campaign: 'campaigns',
  feed: 'feed',
  reviews: 'reviews',
  review: 'reviews',
  settings: 'settings',
  integrations: 'settings',
  'war-room': 'war-room',
  tv: 'war-room',
};

function Nav(props: { route: Route }) {
  const { role } = useApp();
  const current = section[props.route.page];
  const items: Array<[string, string, string]> = [
    ['home', 'Home', href([])],
    ['goals', 'Goals', href(['goals'])],
    ['campaigns', 'Campaigns', href(['campaigns'])],
    ['feed', 'Feed', href(['feed'])],
    ['reviews', 'Reviews', href(['reviews'])],
    ['war-room', 'War room', href(['war-room'])],
  ];
  if (role === 'admin') items.push(['settings', 'Settings', href(['settings'])]);
  return (
    <nav class="app-nav" aria-label="Main">
      <ul>
        {items.map(([key, label, to]) => (
          <li key={key}>
            <a href={to} aria-current={current === key ? 'page' : undefined} data-nav={key}>
              {label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Pages() {
  const route = useRoute();
  const Page = pages[route.page];
  return (
    <>
      <Nav route={route} />
      {route.page === 'war-room' || route.page === 'tv' ? null : (
        <main id="app-main" class="app-main">
          {Page ? (
            <Page route={route} key={`${route.page}/${route.id ?? ''}`} />
          ) : (
            <section class="page">
              <h2>Page not found</h2>
              <p>
                Nothing lives at this address. <a href={href([])}>Go home</a>.
              </p>
            </section>
          )}
        </main>
      )}
    </>
  );
}

/** Mounts the app for a signed-in person into `host`; returns a function that unmounts it. */
export function mountApp(host: HTMLElement, me: MeResponse, api: AppApi): () => void {
  render(
    <AppProvider me={me} api={api}>
      <Pages />
    </AppProvider>,
    host,
  );
  return () => render(null, host);
}
