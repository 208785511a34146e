namespace Orleans.Align.Tests.Contracts;

/// <summary>Every tenant-owned grain key starts with the organization id; one helper builds and parses them.</summary>
public sealed class GrainKeysTests
{
    [Theory]
    [InlineData("acme", "launch-leads")]
    [InlineData("t-0123456789ab", "campaign:launch")]
    [InlineData("9lives", "a")]
    public void Parse_returns_what_For_built(string orgId, string localId)
    {
        var key = GrainKeys.For(orgId, localId);

        Assert.Equal($"{orgId}/{localId}", key);
        Assert.Equal((orgId, localId), GrainKeys.Parse(key));
        Assert.Equal(orgId, GrainKeys.OrgOf(key));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Acme")]
    [InlineData("acme/evil")]
    [InlineData("-acme")]
    [InlineData("acme corp")]
    [InlineData("acme_corp")]
    public void For_rejects_an_invalid_organization_id(string orgId)
    {
        var error = Assert.Throws<ArgumentException>(() => GrainKeys.For(orgId, "goal"));

        Assert.Equal("orgId", error.ParamName);
    }

    [Fact]
    public void For_rejects_a_null_organization_id() =>
        Assert.Throws<ArgumentException>(() => GrainKeys.For(null!, "goal"));

    [Fact]
    public void For_rejects_an_empty_local_id() =>
        Assert.Throws<ArgumentException>(() => GrainKeys.For("acme", ""));

    [Fact]
    public void Organization_id_of_the_longest_allowed_length_is_accepted() =>
        Assert.Equal(new string('a', Identifiers.MaxLength), GrainKeys.OrgOf(GrainKeys.For(new string('a', Identifiers.MaxLength), "goal")));

    [Fact]
    public void For_rejects_an_organization_id_longer_than_allowed() =>
        Assert.Throws<ArgumentException>(() => GrainKeys.For(new string('a', Identifiers.MaxLength + 1), "goal"));

    [Theory]
    [InlineData("acme")]
    [InlineData("/goal")]
    [InlineData("acme/")]
    [InlineData("")]
    public void Parse_rejects_a_key_without_an_organization_and_a_local_id(string key) =>
        Assert.Throws<FormatException>(() => GrainKeys.Parse(key));

    [Fact]
    public void Parse_splits_at_the_first_separator() =>
        Assert.Equal(("acme", "a/b"), GrainKeys.Parse("acme/a/b"));
}

/// <summary>The id and metric-key rules match the whole text: a trailing newline is not a valid end.</summary>
public sealed class IdentifierRuleTests
{
    [Theory]
    [InlineData("launch", true)]
    [InlineData("launch\n", false)]
    [InlineData("launch\r\n", false)]
    [InlineData("launch\nx", false)]
    public void An_id_matches_only_as_a_whole(string id, bool valid) => Assert.Equal(valid, Identifiers.IsValid(id));

    [Theory]
    [InlineData("media_mentions", true)]
    [InlineData("media_mentions\n", false)]
    public void A_metric_key_matches_only_as_a_whole(string key, bool valid) => Assert.Equal(valid, MetricKeys.IsValid(key));
}
