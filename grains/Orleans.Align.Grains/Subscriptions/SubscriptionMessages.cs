using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Orleans.Align.Grains.Subscriptions;

/// <summary>
/// What a feed change looks like on the wire, per format: a Standard Webhooks event, a Slack message
/// (text and blocks), or a Teams message carrying an Adaptive Card. Rendered once, when the change is put
/// in the outbox, so that every attempt sends the same body (and the same signature input).
/// </summary>
public static class SubscriptionMessages
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The event type: <c>alert.raised</c>, <c>alert.acknowledged</c>, <c>alert.resolved</c>, <c>goal.status_changed</c>, <c>announcement.posted</c>, <c>check_in.posted</c>.</summary>
    public static string TypeOf(FeedChangeKind change, FeedEntry entry) => change switch
    {
        FeedChangeKind.Acknowledged => "alert.acknowledged",
        FeedChangeKind.Resolved => "alert.resolved",
        _ => entry.Kind switch
        {
            FeedKind.Alert => "alert.raised",
            FeedKind.StatusChange => "goal.status_changed",
            FeedKind.Announcement => "announcement.posted",
            _ => "check_in.posted",
        },
    };

    /// <summary>The receiver's dedupe key: one per subscription and feed change, the same on every attempt.</summary>
    public static string MessageId(string subscriptionId, long sequence) => $"msg_{subscriptionId}_{sequence}";

    public static string GoalUrl(string publicBaseUrl, string goalId) => $"{publicBaseUrl.TrimEnd('/')}/#/goals/{Uri.EscapeDataString(goalId)}";

    public static OutboundMessage Render(string orgId, string subscriptionId, SubscriptionFormat format, FeedUpdate update, string publicBaseUrl)
    {
        var entry = update.Entry with { Key = null };
        var type = TypeOf(update.Kind, entry);
        var at = update.Kind switch
        {
            FeedChangeKind.Acknowledged => entry.AcknowledgedAt ?? entry.At,
            FeedChangeKind.Resolved => entry.ResolvedAt ?? entry.At,
            _ => entry.At,
        };
        var goalUrl = entry.GoalId is { } goal ? GoalUrl(publicBaseUrl, goal) : null;
        var body = format switch
        {
            SubscriptionFormat.Slack => Slack(orgId, type, entry, goalUrl),
            SubscriptionFormat.Teams => Teams(orgId, type, entry, goalUrl),
            _ => StandardWebhook(orgId, type, at, entry, goalUrl),
        };
        return new OutboundMessage(MessageId(subscriptionId, update.Sequence), type, entry.Id, body.ToJsonString(Json));
    }

    private static JsonObject StandardWebhook(string orgId, string type, DateTimeOffset at, FeedEntry entry, string? goalUrl) => new()
    {
        ["type"] = type,
        ["timestamp"] = at.UtcDateTime.ToString("O"),
        ["data"] = new JsonObject
        {
            ["organization"] = orgId,
            ["entry"] = JsonSerializer.SerializeToNode(entry, Json),
            ["goalUrl"] = goalUrl,
        },
    };

    /// <summary>The headline of a change, as a person reads it in a channel.</summary>
    public static string Title(string type, FeedEntry entry) => type switch
    {
        "alert.raised" => "Alert raised",
        "alert.acknowledged" => $"Alert acknowledged by {entry.AcknowledgedBy ?? "someone"}",
        "alert.resolved" => "Alert resolved",
        "goal.status_changed" => "Goal status changed",
        "announcement.posted" => entry.Department is { } d ? $"Announcement from {d}" : "Announcement",
        _ => entry.Department is { } c ? $"Check-in from {c}" : "Check-in",
    };

    /// <summary>Goal, why, status and the rest, as label and value.</summary>
    public static IReadOnlyList<(string Label, string Value)> Facts(FeedEntry entry)
    {
        var facts = new List<(string, string)>();
        if (entry.GoalId is { } goal) facts.Add(("Goal", goal));
        if (entry.Reason is { } reason) facts.Add(("Why", reason.Replace('_', ' ')));
        if (entry.Kind == FeedKind.Alert) facts.Add(("Status", (entry.State ?? AlertState.Open).ToString().ToLowerInvariant()));
        if (entry.Confidence is { } confidence) facts.Add(("Confidence", $"{confidence}/10"));
        if (entry.Department is { } department) facts.Add(("Department", department));
        if (entry.To is { Count: > 0 } to) facts.Add(("To", string.Join(", ", to)));
        if (entry.Campaigns is { Count: > 0 } campaigns) facts.Add(("Campaigns", string.Join(", ", campaigns)));
        return facts;
    }

    // Slack's mrkdwn needs &, < and > escaped; the rest is text.
    private static string Mrkdwn(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    /// <summary>A Slack incoming-webhook message: <c>text</c> (the notification's fallback) and Block Kit <c>blocks</c>.</summary>
    private static JsonObject Slack(string orgId, string type, FeedEntry entry, string? goalUrl)
    {
        var title = Title(type, entry);
        var fields = new JsonArray();
        foreach (var (label, value) in Facts(entry).Take(10))
        {
            var shown = label == "Goal" && goalUrl is not null ? $"<{goalUrl}|{Mrkdwn(value)}>" : Mrkdwn(value);
            fields.Add(new JsonObject { ["type"] = "mrkdwn", ["text"] = Cut($"*{label}*\n{shown}", 2000) });
        }
        var blocks = new JsonArray
        {
            new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Cut(title, 150) } },
            new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = Cut(Mrkdwn(entry.Text), 3000) } },
        };
        if (fields.Count > 0) blocks.Add(new JsonObject { ["type"] = "section", ["fields"] = fields });
        if (goalUrl is not null)
            blocks.Add(new JsonObject
            {
                ["type"] = "actions",
                ["elements"] = new JsonArray(new JsonObject
                {
                    ["type"] = "button",
                    ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Open the goal" },
                    ["url"] = goalUrl,
                }),
            });
        blocks.Add(new JsonObject
        {
            ["type"] = "context",
            ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = Mrkdwn($"Orleans.Align · {orgId} · feed entry {entry.Id}") }),
        });
        var text = $"{title}: {entry.Text}" + (goalUrl is null ? "" : $" {goalUrl}");
        return new JsonObject { ["text"] = Cut(text, 3000), ["blocks"] = blocks };
    }

    /// <summary>
    /// A Teams incoming-webhook (Workflows "post to a channel when a webhook request is received") message:
    /// <c>type: message</c> with one Adaptive Card attachment (schema 1.4).
    /// </summary>
    private static JsonObject Teams(string orgId, string type, FeedEntry entry, string? goalUrl)
    {
        var facts = new JsonArray();
        foreach (var (label, value) in Facts(entry)) facts.Add(new JsonObject { ["title"] = label, ["value"] = value });
        var body = new JsonArray
        {
            new JsonObject { ["type"] = "TextBlock", ["size"] = "Medium", ["weight"] = "Bolder", ["text"] = Title(type, entry), ["wrap"] = true },
            new JsonObject { ["type"] = "TextBlock", ["text"] = entry.Text, ["wrap"] = true },
        };
        if (facts.Count > 0) body.Add(new JsonObject { ["type"] = "FactSet", ["facts"] = facts });
        body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = $"Orleans.Align · {orgId} · feed entry {entry.Id}", ["isSubtle"] = true, ["size"] = "Small", ["wrap"] = true });
        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = body,
        };
        if (goalUrl is not null)
            card["actions"] = new JsonArray(new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = "Open the goal", ["url"] = goalUrl });
        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray(new JsonObject
            {
                ["contentType"] = "application/vnd.microsoft.card.adaptive",
                ["contentUrl"] = null,
                ["content"] = card,
            }),
        };
    }
}
