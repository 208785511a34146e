// Integrations (#/settings/integrations, admins): webhook sources (a tool's own signed webhooks in:
// HubSpot, Shopify, Stripe, Standard Webhooks) and subscriptions (the feed out to a signed receiver, a
// Slack or a Teams channel). Secrets are shown once, when the API returns them; a subscription's URL is
// a credential for Slack and Teams, so the lists show its host only.

import { useApp } from '../app/context';
import { useBoard } from '../app/live';
import { href } from '../app/router';
import type { PageProps } from '../app/shell';
import { PageHeader } from '../app/ui';
import { SourcesSection } from './integration-sources';
import { SubscriptionsSection } from './integration-subscriptions';
import './campaigns.css';
import './integrations.css';

export function IntegrationsPage(_props: PageProps) {
  const { role } = useApp();
  if (role !== 'admin') {
    return (
      <section class="page">
        <PageHeader title="Integrations" />
        <p class="notice" id="admins-only" role="status">
          Integrations are for admins only: webhook sources and subscriptions hold the organization's signing secrets. Ask an admin of your
          organization. <a href={href([])}>Go home</a>.
        </p>
      </section>
    );
  }
  return <AdminIntegrations />;
}

function AdminIntegrations() {
  // One live connection for the page: sources and subscriptions changed elsewhere, and deliveries caused by feed changes, show up here.
  const { tick } = useBoard('overview');
  return (
    <section class="page settings-page integrations-page">
      <PageHeader title="Integrations">
        <a href={href(['settings'])}>Back to settings</a>
      </PageHeader>
      <section class="settings-section stack" id="sources" aria-labelledby="sources-heading">
        <h3 id="sources-heading">Webhook sources</h3>
        <p class="field-hint">
          A source receives a tool's own signed webhooks (HubSpot, Shopify, Stripe, or anything that speaks Standard Webhooks) and counts them
          as events. Give the tool the source's webhook URL; its signature is the credential.
        </p>
        <SourcesSection tick={tick} />
      </section>
      <section class="settings-section stack" id="subscriptions" aria-labelledby="subscriptions-heading">
        <h3 id="subscriptions-heading">Subscriptions</h3>
        <p class="field-hint">
          A subscription sends the organization's feed (announcements, check-ins, status changes, alerts), filtered, to a signed receiver, a
          Slack channel or a Teams channel; failed deliveries are retried for 25 hours, then dead-lettered.
        </p>
        <SubscriptionsSection tick={tick} />
      </section>
    </section>
  );
}
