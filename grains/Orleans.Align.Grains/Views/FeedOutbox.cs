using Microsoft.Extensions.Logging;
using Orleans.Align.Grains.Goals;

namespace Orleans.Align.Grains.Views;

/// <summary>
/// How a view tells the feed what it raised or resolved, exactly once per key: the outbox is saved
/// with the view's snapshot first, then told change by change. A view that dies after telling the
/// feed tells it again on its next activation, under the same keys, and the feed keeps one entry per
/// key; a view that dies before has told nothing and judges again from its snapshot. Shared by goals,
/// trigger rules and departments (check-in reminders).
/// </summary>
public static class FeedOutbox
{
    public static async Task FlushAsync(List<FeedChange> outbox, IFeedGrain feed, Func<Task> save, Action changed, ILogger logger, string what)
    {
        if (outbox.Count == 0) return;
        try
        {
            await save();
        }
        catch (SnapshotBackoffException)
        {
            // The store failed moments ago: the snapshot's timer writes it when the backoff is over.
            changed();
            return;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Saving {What} before posting to its feed failed; posting later", what);
            changed();
            return;
        }
        while (outbox.Count > 0)
        {
            var change = outbox[0];
            try
            {
                if (change.Post is { } entry) await feed.PostAsync(entry).WaitAsync(PeerCalls.PublishWait);
                else if (change.ResolveKey is { } key) await feed.ResolveAsync(key, change.ResolvedAt).WaitAsync(PeerCalls.PublishWait);
            }
            catch (TimeoutException)
            {
                logger.LogWarning("Posting to the feed timed out after {Wait}; {What} posts it again later", PeerCalls.PublishWait, what);
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Posting to the feed failed; {What} posts it again later", what);
                return;
            }
            outbox.RemoveAt(0);
            changed();
        }
    }

    /// <summary>
    /// One judgement of an episode (<see cref="AlertRules.Judge(AlertEpisode, bool, DateTimeOffset, TimeSpan)"/>)
    /// with what it tells: the alert when the episode is raised (made from the moment it began), its
    /// resolution under the same key (<see cref="AlertRules.Key"/>) when it has cleared.
    /// </summary>
    public static AlertEpisode Judge(List<FeedChange> outbox, AlertEpisode episode, bool holds, DateTimeOffset now, TimeSpan hold,
        string subject, string reason, Func<DateTimeOffset, FeedEntry> alert)
    {
        var (next, step) = AlertRules.Judge(episode, holds, now, hold);
        if (step == EpisodeStep.Raise) outbox.Add(new FeedChange(alert(next.Since!.Value)));
        if (step == EpisodeStep.Resolve)
            outbox.Add(new FeedChange(ResolveKey: AlertRules.Key(subject, reason, episode.Since!.Value), ResolvedAt: episode.ClearingSince ?? now));
        return next;
    }
}
