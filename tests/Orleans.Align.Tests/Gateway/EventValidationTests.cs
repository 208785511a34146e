using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.Align.Gateway.Api;

namespace Orleans.Align.Tests.Gateway;

/// <summary>An ingest batch is checked whole before anything reaches the log; errors name the field.</summary>
public sealed class EventValidationTests
{
    private const int MaxEvents = 5;
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static EventRequest Valid(string id = "e1") =>
        new(id, "leads", 3, Now.AddMinutes(-5), "launch", "marketing", "hubspot");

    private static (Validation Validation, List<MetricEvent> Events) Validate(params EventRequest?[] events) =>
        EventValidation.Validate(new IngestRequest([.. events]), MaxEvents, Now);

    /// <summary>The fields the problem document would name, with their messages.</summary>
    private static IDictionary<string, string[]> Errors(Validation validation) =>
        Assert.IsType<ValidationProblem>(validation.Problem()).ProblemDetails.Errors;

    private static void AssertRefusedFor(string field, Validation validation)
    {
        Assert.False(validation.IsValid);
        Assert.Contains(field, Errors(validation).Keys);
    }

    [Fact]
    public void Valid_batch_becomes_metric_events()
    {
        var (validation, events) = Validate(Valid("e1"), Valid("e2") with { Campaign = null, Department = null, Source = null });

        Assert.True(validation.IsValid);
        Assert.Equal(
            [
                new MetricEvent("e1", "leads", 3, Now.AddMinutes(-5), "launch", "marketing", "hubspot"),
                new MetricEvent("e2", "leads", 3, Now.AddMinutes(-5)),
            ],
            events);
    }

    [Fact]
    public void Timestamps_are_converted_to_utc()
    {
        var local = new DateTimeOffset(2025, 6, 1, 14, 0, 0, TimeSpan.FromHours(2));

        var (_, events) = Validate(Valid() with { Timestamp = local });

        var timestamp = Assert.Single(events).Timestamp;
        Assert.Equal(TimeSpan.Zero, timestamp.Offset);
        Assert.Equal(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero), timestamp);
    }

    [Fact]
    public void Missing_timestamp_means_now()
    {
        var (_, events) = Validate(Valid() with { Timestamp = null });

        Assert.Equal(Now, Assert.Single(events).Timestamp);
    }

    [Fact]
    public void Id_and_source_are_trimmed()
    {
        var (_, events) = Validate(Valid() with { Id = "  e1 ", Source = " hubspot " });

        var e = Assert.Single(events);
        Assert.Equal(("e1", "hubspot"), (e.Id, e.Source));
    }

    [Fact]
    public void Missing_request_is_refused() =>
        AssertRefusedFor("events", EventValidation.Validate(null, MaxEvents, Now).Validation);

    [Fact]
    public void Missing_events_list_is_refused() =>
        AssertRefusedFor("events", EventValidation.Validate(new IngestRequest(null), MaxEvents, Now).Validation);

    [Fact]
    public void Empty_batch_is_refused() =>
        AssertRefusedFor("events", Validate().Validation);

    [Fact]
    public void Batch_larger_than_the_limit_is_refused_without_looking_at_its_events()
    {
        var (validation, events) = Validate([.. Enumerable.Range(0, MaxEvents + 1).Select(i => Valid($"e{i}"))]);

        AssertRefusedFor("events", validation);
        Assert.Equal(["events"], Errors(validation).Keys);
        Assert.Empty(events);
    }

    [Fact]
    public void Batch_at_the_limit_is_accepted() =>
        Assert.True(Validate([.. Enumerable.Range(0, MaxEvents).Select(i => Valid($"e{i}"))]).Validation.IsValid);

    [Fact]
    public void Null_event_is_refused() =>
        AssertRefusedFor("events[1]", Validate(Valid(), null).Validation);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Event_without_an_id_is_refused(string? id) =>
        AssertRefusedFor("events[0].id", Validate(Valid() with { Id = id }).Validation);

    [Fact]
    public void Id_longer_than_the_limit_is_refused() =>
        AssertRefusedFor("events[0].id", Validate(Valid() with { Id = new string('x', EventValidation.MaxIdLength + 1) }).Validation);

    [Fact]
    public void Id_with_control_characters_is_refused() =>
        AssertRefusedFor("events[0].id", Validate(Valid() with { Id = "e\n1" }).Validation);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Leads")]
    [InlineData("1leads")]
    [InlineData("media-mentions")]
    [InlineData("leads web")]
    public void Bad_metric_key_is_refused(string? metric) =>
        AssertRefusedFor("events[0].metric", Validate(Valid() with { Metric = metric }).Validation);

    [Theory]
    [InlineData("media_mentions")]
    [InlineData("revenue.eur")]
    public void Metric_keys_may_use_underscores_and_dots(string metric) =>
        Assert.True(Validate(Valid() with { Metric = metric }).Validation.IsValid);

    [Fact]
    public void Missing_value_is_refused() =>
        AssertRefusedFor("events[0].value", Validate(Valid() with { Value = null }).Validation);

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(1.000001e12)]
    [InlineData(-1.000001e12)]
    [InlineData(double.MaxValue)]
    public void Value_that_is_not_finite_or_absurdly_large_is_refused(double value) =>
        AssertRefusedFor("events[0].value", Validate(Valid() with { Value = value }).Validation);

    [Theory]
    [InlineData(EventValidation.MaxAbsoluteValue)]
    [InlineData(-EventValidation.MaxAbsoluteValue)]
    [InlineData(0)]
    [InlineData(-12.5)]
    public void Value_within_the_bound_is_accepted(double value) =>
        Assert.True(Validate(Valid() with { Value = value }).Validation.IsValid);

    [Fact]
    public void Timestamp_more_than_a_day_in_the_future_is_refused() =>
        AssertRefusedFor("events[0].timestamp", Validate(Valid() with { Timestamp = Now + EventValidation.AllowedClockSkew + TimeSpan.FromSeconds(1) }).Validation);

    [Fact]
    public void Timestamp_slightly_in_the_future_is_accepted_as_clock_skew() =>
        Assert.True(Validate(Valid() with { Timestamp = Now + EventValidation.AllowedClockSkew }).Validation.IsValid);

    [Fact]
    public void Timestamp_before_2000_is_refused() =>
        AssertRefusedFor("events[0].timestamp", Validate(Valid() with { Timestamp = EventValidation.EarliestTimestamp.AddTicks(-1) }).Validation);

    [Theory]
    [InlineData("Launch")]
    [InlineData("launch q3")]
    [InlineData("launch/q3")]
    [InlineData("")]
    public void Invalid_campaign_id_is_refused(string campaign) =>
        AssertRefusedFor("events[0].campaign", Validate(Valid() with { Campaign = campaign }).Validation);

    [Fact]
    public void Invalid_department_id_is_refused() =>
        AssertRefusedFor("events[0].department", Validate(Valid() with { Department = "Sales Team" }).Validation);

    [Fact]
    public void Source_longer_than_64_characters_is_refused() =>
        AssertRefusedFor("events[0].source", Validate(Valid() with { Source = new string('s', 65) }).Validation);

    [Fact]
    public void One_bad_event_refuses_the_batch_and_names_its_position()
    {
        var (validation, _) = Validate(Valid("e1"), Valid("e2"), Valid("e3") with { Metric = "Bad Metric" });

        Assert.False(validation.IsValid);
        Assert.Equal(["events[2].metric"], Errors(validation).Keys);
    }

    [Fact]
    public void Every_bad_field_is_reported()
    {
        var (validation, _) = Validate(new EventRequest(null, "Bad", double.NaN, Now.AddYears(1), "Bad Campaign", "Bad Dept", null));

        Assert.Equal(
            ["events[0].campaign", "events[0].department", "events[0].id", "events[0].metric", "events[0].timestamp", "events[0].value"],
            Errors(validation).Keys.Order());
    }
}
