using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.Align.Gateway.Api;

namespace Orleans.Align.Tests.Gateway;

/// <summary>
/// Every list and text the API reads is bounded, a refusal names a bounded number of problems, and
/// refusing a huge request looks at its length, not at each item against every other.
/// </summary>
public sealed class InputLimitsTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>What the gateway would send: the problem document as JSON.</summary>
    private static string ProblemJson(Validation validation) =>
        JsonSerializer.Serialize(Assert.IsType<ValidationProblem>(validation.Problem()).ProblemDetails, JsonSerializerOptions.Web);

    private static IDictionary<string, string[]> Errors(Validation validation) =>
        Assert.IsType<ValidationProblem>(validation.Problem()).ProblemDetails.Errors;

    private static List<string?> DistinctIds(int count) => [.. Enumerable.Range(0, count).Select(i => (string?)$"department-{i}")];

    private static CreateGoalRequest Goal(List<string?>? owners = null, GoalScopeRequest? scope = null) =>
        new("g1", "Leads", "leads", 100, owners ?? ["marketing"], scope, Now, Now.AddDays(30), null, null, null, null, null, null);

    private static CreateCampaignRequest Campaign(List<string?>? departments = null, List<ActivityRequest?>? activities = null) =>
        new("launch", "Launch", departments ?? ["marketing"], activities, null);

    [Fact]
    public void A_list_of_100000_distinct_ids_is_refused_with_one_short_error()
    {
        var v = new Validation();

        var ids = v.Ids("to", DistinctIds(100_000));

        Assert.Empty(ids);
        Assert.Equal(["to"], Errors(v).Keys);
        Assert.Equal(1, v.ErrorCount);
        Assert.True(ProblemJson(v).Length < 1_000, ProblemJson(v));
    }

    [Fact]
    public void A_list_at_the_limit_is_accepted_with_duplicates_dropped_in_order()
    {
        var v = new Validation();

        var ids = v.Ids("owners", [.. DistinctIds(InputLimits.MaxIdsPerList - 1), "department-0"]);

        Assert.True(v.IsValid);
        Assert.Equal(DistinctIds(InputLimits.MaxIdsPerList - 1).Select(id => id!), ids);
    }

    [Fact]
    public void A_refusal_names_at_most_20_problems_and_counts_them_all()
    {
        var v = new Validation();

        v.Ids("owners", [.. Enumerable.Repeat<string?>("Not An Id", InputLimits.MaxIdsPerList)]);

        Assert.Equal(InputLimits.MaxIdsPerList, v.ErrorCount);
        Assert.Equal(InputLimits.MaxErrorsShown, Errors(v).Values.Sum(m => m.Length));
        var problem = JsonDocument.Parse(ProblemJson(v)).RootElement;
        Assert.Equal(InputLimits.MaxIdsPerList, problem.GetProperty("errorCount").GetInt32());
        Assert.Contains("first 20 of 100", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public void A_batch_of_5000_bad_events_is_refused_with_at_most_20_errors()
    {
        var bad = Enumerable.Range(0, 5_000).Select(i => (EventRequest?)new EventRequest($"e{i}", "Not A Metric", 1, Now, null, null, null));

        var (validation, events) = EventValidation.Validate(new IngestRequest([.. bad]), 5_000, Now);

        Assert.Empty(events);
        Assert.Equal(5_000, validation.ErrorCount);
        Assert.Equal(InputLimits.MaxErrorsShown, Errors(validation).Values.Sum(m => m.Length));
        Assert.True(ProblemJson(validation).Length < 4_000);
    }

    [Theory]
    [InlineData(nameof(CreateGoalRequest.Owners))]
    [InlineData("scope.campaigns")]
    [InlineData("scope.departments")]
    public void A_goal_naming_100000_ids_in_any_list_is_refused_for_that_list(string field)
    {
        var huge = DistinctIds(100_000);
        var request = field switch
        {
            "Owners" => Goal(owners: huge),
            "scope.campaigns" => Goal(scope: new GoalScopeRequest("one", null, huge, null)),
            _ => Goal(scope: new GoalScopeRequest(null, "one", null, huge)),
        };

        var (validation, goal) = CatalogueEndpoints.ValidateGoal(request);

        Assert.Null(goal);
        Assert.Contains(field.ToLowerInvariant(), Errors(validation).Keys);
        Assert.True(ProblemJson(validation).Length < 1_000);
    }

    [Fact]
    public void A_scope_of_a_full_list_plus_the_single_id_is_accepted()
    {
        var (validation, goal) = CatalogueEndpoints.ValidateGoal(Goal(scope: new GoalScopeRequest("extra", null, DistinctIds(InputLimits.MaxIdsPerList), null)));

        Assert.True(validation.IsValid);
        Assert.Equal(InputLimits.MaxIdsPerList + 1, goal!.Scope.Campaigns.Count);
    }

    [Fact]
    public void A_campaign_with_100000_activities_is_refused_without_reading_them()
    {
        var activities = Enumerable.Range(0, 100_000).Select(i => (ActivityRequest?)new ActivityRequest($"post-{i}", "marketing", $"Post {i}", ["leads"], null)).ToList();

        var (validation, campaign) = CatalogueEndpoints.ValidateCampaign(Campaign(activities: activities));

        Assert.Null(campaign);
        Assert.Equal(["activities"], Errors(validation).Keys);
        Assert.Equal(1, validation.ErrorCount);
    }

    [Fact]
    public void A_campaign_at_its_limits_is_accepted()
    {
        var metrics = Enumerable.Range(0, InputLimits.MaxMetricsPerActivity).Select(i => (string?)$"metric_{i}").ToList();
        var activities = Enumerable.Range(0, InputLimits.MaxActivities).Select(i => (ActivityRequest?)new ActivityRequest($"activity-{i}", "department-0", $"Activity {i}", metrics, null)).ToList();

        var (validation, campaign) = CatalogueEndpoints.ValidateCampaign(Campaign(DistinctIds(InputLimits.MaxIdsPerList), activities));

        Assert.True(validation.IsValid);
        Assert.Equal(InputLimits.MaxActivities, campaign!.Activities!.Count);
    }

    [Fact]
    public void A_campaign_with_100000_departments_is_refused_for_that_list()
    {
        var (validation, _) = CatalogueEndpoints.ValidateCampaign(Campaign(departments: DistinctIds(100_000)));

        Assert.Equal(["departments"], Errors(validation).Keys);
    }

    [Fact]
    public void An_activity_moving_too_many_metrics_is_refused()
    {
        var metrics = Enumerable.Range(0, InputLimits.MaxMetricsPerActivity + 1).Select(i => (string?)$"metric_{i}").ToList();

        var (validation, _) = CatalogueEndpoints.ValidateCampaign(Campaign(activities: [new ActivityRequest("posts", "marketing", "Posts", metrics, null)]));

        Assert.Equal(["activities[0].metrics"], Errors(validation).Keys);
    }

    [Theory]
    [InlineData(InputLimits.MaxNameLength, true)]
    [InlineData(InputLimits.MaxNameLength + 1, false)]
    [InlineData(1_000_000, false)]
    public void Names_are_bounded(int length, bool accepted)
    {
        var (validation, _) = CatalogueEndpoints.ValidateCampaign(Campaign() with { Name = new string('n', length) });

        Assert.Equal(accepted, validation.IsValid);
        if (!accepted) Assert.True(ProblemJson(validation).Length < 1_000);
    }

    [Theory]
    [InlineData("sales\n")]
    [InlineData("Sales")]
    [InlineData("-sales")]
    [InlineData("")]
    public void Ids_that_are_not_ids_are_refused(string id)
    {
        var v = new Validation();
        v.Id("id", id);
        Assert.False(v.IsValid);
    }

    [Fact]
    public void A_metric_key_with_a_trailing_line_feed_is_refused() =>
        Assert.False(InputLimits.IsMetricKey("leads\n"));

    [Fact]
    public void The_documented_patterns_accept_what_the_validation_accepts()
    {
        foreach (var id in new[] { "a", "launch-q3", "0", new string('a', 64), new string('a', 65), "A", "a_b", "-a", "a\n" })
            Assert.Equal(InputLimits.IsId(id), System.Text.RegularExpressions.Regex.IsMatch(id, InputLimits.IdPattern.Replace("$", @"\z")));
        foreach (var key in new[] { "leads", "media_mentions", "a.b", "1a", "A", "_a", new string('a', 64), new string('a', 65), "a\n" })
            Assert.Equal(InputLimits.IsMetricKey(key), System.Text.RegularExpressions.Regex.IsMatch(key, InputLimits.MetricKeyPattern.Replace("$", @"\z")));
    }

    [Fact]
    public void Values_quoted_back_are_cut_short() =>
        Assert.True(InputLimits.Echo(new string('x', 100_000)).Length < InputLimits.MaxEchoLength + 40);

    [Fact]
    public void Text_with_control_characters_is_refused()
    {
        var v = new Validation();
        v.Text("text", "line\u0000break", InputLimits.MaxTextLength);
        Assert.False(v.IsValid);
    }

    public static TheoryData<Type> RequestTypes
    {
        get
        {
            var types = new TheoryData<Type>();
            foreach (var t in typeof(Validation).Assembly.GetTypes().Where(t => t.Namespace == typeof(Validation).Namespace && t.Name.EndsWith("Request", StringComparison.Ordinal)))
                types.Add(t);
            return types;
        }
    }

    [Theory]
    [MemberData(nameof(RequestTypes))]
    public void Every_request_body_refuses_a_member_it_does_not_know(Type requestType)
    {
        var options = ApiInput.Strict(new JsonSerializerOptions(JsonSerializerDefaults.Web));

        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize("""{"notAMember":1}""", requestType, options));
    }

    [Fact]
    public void A_misspelt_campaign_in_an_event_is_refused_not_dropped()
    {
        var options = ApiInput.Strict(new JsonSerializerOptions(JsonSerializerDefaults.Web));

        var error = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<IngestRequest>(
            """{"events":[{"id":"e1","metric":"leads","value":1,"campain":"launch"}]}""", options));
        Assert.Contains("campain", error.Message);
    }

    [Fact]
    public void A_member_given_twice_is_refused()
    {
        var options = ApiInput.Strict(new JsonSerializerOptions(JsonSerializerDefaults.Web));

        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<EventRequest>(
            """{"id":"e1","metric":"leads","value":1,"campaign":"a","campaign":"b"}""", options));
    }

    [Fact]
    public void Known_members_are_still_read_in_any_case()
    {
        var options = ApiInput.Strict(new JsonSerializerOptions(JsonSerializerDefaults.Web));

        var e = JsonSerializer.Deserialize<EventRequest>("""{"Id":"e1","metric":"leads","value":1,"campaign":"launch"}""", options);

        Assert.Equal(("e1", "launch"), (e!.Id, e.Campaign));
    }
}
