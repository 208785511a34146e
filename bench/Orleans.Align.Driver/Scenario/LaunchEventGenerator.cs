using Orleans.Align.Driver.Api;
using static Orleans.Align.Driver.Scenario.LaunchScenario;

namespace Orleans.Align.Driver.Scenario;

/// <summary>
/// Makes the events the launch's marketing tools would push: HubSpot leads, Google Analytics visits,
/// Meltwater media mentions, Shopify orders with their Stripe revenue, Instagram engagements.
/// Pass a seeded <see cref="Random"/> to get the same traffic twice.
/// </summary>
public sealed class LaunchEventGenerator(Random random, TimeProvider clock)
{
    public const int MaxBatchSize = 5;

    // Out of 100 draws. Chosen so that at the demo's default pace every launch goal fills within a
    // few minutes, at different speeds, with media mentions the rarest event as they are in life.
    private const int VisitWeight = 55;
    private const int LeadWeight = 20;
    private const int EngagementWeight = 12;
    private const int SaleWeight = 10;
    private const int MediaMentionWeight = 3;

    // Some traffic is not attributed to the launch (organic visits, older ads); it moves no war-room goal.
    private const double CampaignShare = 0.9;

    public LaunchEventGenerator() : this(new Random(), TimeProvider.System)
    {
    }

    /// <summary>One to <see cref="MaxBatchSize"/> events, stamped now, each with a fresh id.</summary>
    public IReadOnlyList<MetricEvent> NextBatch()
    {
        var size = random.Next(1, MaxBatchSize + 1);
        var batch = new List<MetricEvent>(size);
        var now = clock.GetUtcNow();
        while (batch.Count < size)
        {
            var draw = random.Next(100);
            if ((draw -= VisitWeight) < 0) batch.Add(Visit(now));
            else if ((draw -= LeadWeight) < 0) batch.Add(Lead(now));
            else if ((draw -= EngagementWeight) < 0) batch.Add(Engagement(now));
            else if ((draw -= SaleWeight) < 0)
            {
                // An order and its payment arrive together; if they do not both fit, draw again.
                if (batch.Count + 2 > size) continue;
                batch.Add(Order(now));
                batch.Add(Payment(now));
            }
            else batch.Add(MediaMention(now));
        }
        return batch;
    }

    // Launch events name the activity behind them: the department's own in the launch.
    private MetricEvent Visit(DateTimeOffset now) =>
        Event(Metrics.Visits, random.Next(1, 21), now, LaunchOrNone(), Marketing, "google-analytics", MarketingActivity());

    private MetricEvent Lead(DateTimeOffset now)
    {
        var department = random.Next(2) == 0 ? Marketing : Sales;
        return Event(Metrics.Leads, 1, now, LaunchOrNone(), department, "hubspot", department == Sales ? Bundle : Hashtag);
    }

    private MetricEvent Engagement(DateTimeOffset now)
    {
        var department = random.Next(3) == 0 ? PublicRelations : Marketing;
        var activity = department == PublicRelations ? (random.Next(2) == 0 ? PressBriefing : BeachCleanup) : MarketingActivity();
        return Event(Metrics.Engagements, random.Next(1, 51), now, LaunchOrNone(), department, "instagram", activity);
    }

    /// <summary>Marketing's traffic: mostly the hashtag campaign, a quarter from the influencers' posts.</summary>
    private string MarketingActivity() => random.Next(4) == 0 ? InfluencerPosts : Hashtag;

    private MetricEvent Order(DateTimeOffset now) =>
        Event(Metrics.Orders, 1, now, LaunchOrNone(), Sales, "shopify", Bundle);

    /// <summary>Revenue is booked by the payment provider, which knows nothing of campaigns.</summary>
    private MetricEvent Payment(DateTimeOffset now) =>
        Event(Metrics.Revenue, Math.Round(40 + random.NextDouble() * 360, 2), now, null, Sales, "stripe");

    private MetricEvent MediaMention(DateTimeOffset now) =>
        Event(Metrics.MediaMentions, 1, now, LaunchOrNone(), PublicRelations, "meltwater", PressBriefing);

    private string? LaunchOrNone() => random.NextDouble() < CampaignShare ? CampaignId : null;

    /// <summary>An event; it names <paramref name="activity"/> only when it belongs to the launch (an activity is a campaign's).</summary>
    private static MetricEvent Event(string metric, double value, DateTimeOffset now, string? campaign, string department, string source, string? activity = null) =>
        new(Guid.CreateVersion7(now).ToString(), metric, value, now, campaign, department, source, campaign is null ? null : activity);
}
