using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Align.Grains;
using Orleans.Align.Grains.Catalogue;
using Orleans.Align.Grains.Goals;
using Orleans.Align.Persistence.Tests.Azurite;
using Orleans.Align.Persistence.Tests.Silos;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Storage;

namespace Orleans.Align.Persistence.Tests.Grains;

/// <summary>
/// What the silo relies on from the official Azure Blob grain storage (Microsoft.Orleans.Persistence.AzureStorage),
/// registered by the silo's own hosting extension against a real Azurite.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class GrainStateTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private SiloUnderTest.Place _place = null!;
    private SiloUnderTest? _silo;

    private SiloUnderTest Silo => _silo ?? throw new InvalidOperationException("No silo.");

    private IGrainStorage Storage => Silo.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Align);

    public async Task InitializeAsync()
    {
        _place = SiloUnderTest.Place.New(azurite.ConnectionString);
        _silo = await SiloUnderTest.StartAsync(_place);
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null) await _silo.DisposeAsync();
        var blobs = new BlobServiceClient(azurite.ConnectionString);
        await blobs.GetBlobContainerClient(_place.GrainContainer).DeleteIfExistsAsync();
        await blobs.GetBlobContainerClient(_place.LogContainer).DeleteIfExistsAsync();
    }

    [Fact]
    public async Task A_grains_state_survives_a_restart_into_a_new_cluster_on_the_same_storage()
    {
        var note = Silo.Grains.GetGrain<INoteGrain>("acme/standup-notes");
        Assert.False((await note.ReadAsync()).RecordExists);
        await note.WriteAsync("ship the official provider");

        await _silo!.DisposeAsync();
        _silo = null;
        _silo = await SiloUnderTest.StartAsync(_place with { ClusterId = _place.ClusterId + "-next" });

        var read = await Silo.Grains.GetGrain<INoteGrain>("acme/standup-notes").ReadAsync();
        Assert.True(read.RecordExists);
        Assert.Equal("ship the official provider", read.Text);
    }

    [Fact]
    public async Task A_write_with_a_stale_ETag_throws_InconsistentStateException_and_keeps_the_newer_state()
    {
        var grain = GrainId.Create("note", "acme/contended");
        var first = new GrainState<NoteState>(new NoteState());
        var second = new GrainState<NoteState>(new NoteState());
        await Storage.ReadStateAsync("note", grain, first);
        first.State!.Text = "first";
        await Storage.WriteStateAsync("note", grain, first);
        await Storage.ReadStateAsync("note", grain, second);

        first.State.Text = "first, again";
        await Storage.WriteStateAsync("note", grain, first);
        second.State!.Text = "second, from a stale read";

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync("note", grain, second));
        var now = new GrainState<NoteState>(new NoteState());
        await Storage.ReadStateAsync("note", grain, now);
        Assert.Equal("first, again", now.State!.Text);
    }

    [Fact]
    public async Task A_first_write_of_a_record_another_activation_created_meanwhile_throws_InconsistentStateException()
    {
        var grain = GrainId.Create("note", "acme/created-twice");
        var first = new GrainState<NoteState>(new NoteState { Text = "one" });
        var second = new GrainState<NoteState>(new NoteState { Text = "two" });
        await Storage.ReadStateAsync("note", grain, first);
        await Storage.ReadStateAsync("note", grain, second);

        await Storage.WriteStateAsync("note", grain, first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync("note", grain, second));
    }

    [Fact]
    public void The_silo_stores_grain_state_in_Orleans_binary_format()
    {
        var options = Silo.Services.GetRequiredService<IOptionsMonitor<AzureBlobStorageOptions>>().Get(StorageNames.Align);
        Assert.IsType<OrleansGrainStorageSerializer>(options.GrainStorageSerializer);
        Assert.Equal(_place.GrainContainer, options.ContainerName);
    }

    [Fact]
    public async Task A_goal_state_round_trips_through_the_binary_serializer_and_the_blob()
    {
        var written = new GoalState
        {
            AppliedThrough = 4_242,
            UpdatedAt = new DateTimeOffset(2026, 9, 1, 10, 30, 0, TimeSpan.Zero),
            WindowStart = new DateTimeOffset(2026, 9, 1, 0, 0, 0, TimeSpan.Zero),
            LastStatus = GoalStatus.AtRisk,
            Alerts = new GoalAlerts
            {
                Status = new HeldStatus(GoalStatus.AtRisk, GoalStatus.OffTrack, new DateTimeOffset(2026, 9, 1, 10, 25, 0, TimeSpan.Zero)),
                Mismatch = new AlertEpisode(new DateTimeOffset(2026, 9, 1, 9, 0, 0, TimeSpan.Zero), Open: true),
                Outbox = { new FeedChange(ResolveKey: "q3-leads/at_risk/1788253200000", ResolvedAt: new DateTimeOffset(2026, 9, 1, 10, 0, 0, TimeSpan.Zero)) },
            },
            Parts = new GoalParts { Sums = { ["leads"] = 120.5, ["visits"] = 3_000 }, Gauge = 7, Events = 99 },
            ByDepartment = { ["marketing"] = new GoalParts { Sums = { ["leads"] = 100 }, Events = 80 } },
            Children = { ["child-goal"] = new ChildProgress(0.42, 2) },
        };
        var grain = GrainId.Create("goal", "acme/q3-leads");
        var state = new GrainState<GoalState>(written);

        await Storage.WriteStateAsync("goal", grain, state);
        var read = new GrainState<GoalState>(new GoalState());
        await Storage.ReadStateAsync("goal", grain, read);

        Assert.True(read.RecordExists);
        Assert.Equal(state.ETag, read.ETag);
        var goal = read.State!;
        Assert.Equal(4_242, goal.AppliedThrough);
        Assert.Equal(written.UpdatedAt, goal.UpdatedAt);
        Assert.Equal(written.WindowStart, goal.WindowStart);
        Assert.Equal(GoalStatus.AtRisk, goal.LastStatus);
        Assert.Equal(written.Alerts.Status, goal.Alerts.Status);
        Assert.Equal(written.Alerts.Mismatch, goal.Alerts.Mismatch);
        Assert.Equal(written.Alerts.Outbox, goal.Alerts.Outbox);
        Assert.Equal(written.Parts.Sums, goal.Parts.Sums);
        Assert.Equal(7, goal.Parts.Gauge);
        Assert.Equal(99, goal.Parts.Events);
        Assert.Equal(100, goal.ByDepartment["marketing"].Sums["leads"]);
        Assert.Equal(new ChildProgress(0.42, 2), goal.Children["child-goal"]);
    }

    [Fact]
    public async Task An_organization_state_round_trips_through_the_binary_serializer_and_the_blob()
    {
        var grain = GrainId.Create("organization", "acme");
        var state = new GrainState<OrganizationState>(new OrganizationState
        {
            Departments = ["marketing", "sales"],
            Campaigns = ["launch-q3"],
            Reviews = ["q2"],
        });

        await Storage.WriteStateAsync("organization", grain, state);
        var read = new GrainState<OrganizationState>(new OrganizationState());
        await Storage.ReadStateAsync("organization", grain, read);

        var organization = read.State!;
        Assert.Equal(["marketing", "sales"], organization.Departments);
        Assert.Equal(["launch-q3"], organization.Campaigns);
        Assert.Equal(["q2"], organization.Reviews);
    }
}
