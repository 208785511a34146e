using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.Align.Gateway.Api;

namespace Orleans.Align.Tests.Gateway;

/// <summary>The <c>corrects</c> member of an event: as JSON, and as the gateway checks it before anything reaches the log.</summary>
public sealed class CorrectionValidationTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly JsonSerializerOptions Json = ApiInput.Strict(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    private static (Validation Validation, List<MetricEvent> Events) Validate(params EventRequest?[] events) =>
        EventValidation.Validate(new IngestRequest([.. events]), 5, Now);

    private static EventRequest Correction(string id = "r1", string? corrects = "e1") =>
        new(id, "revenue", 0, null, null, null, "shopify", Corrects: corrects);

    [Fact]
    public void A_correction_becomes_an_event_naming_what_it_corrects_with_its_own_time()
    {
        var (validation, events) = Validate(Correction() with { Timestamp = Now.AddMinutes(-1) });

        Assert.True(validation.IsValid);
        Assert.Equal([new MetricEvent("r1", "revenue", 0, Now.AddMinutes(-1), null, null, "shopify", Corrects: "e1")], events);
    }

    [Fact]
    public void A_correction_without_a_time_gets_the_arrival_time_as_assigned()
    {
        var (_, events) = Validate(Correction());

        Assert.Equal((Now, true, "e1"), (events[0].Timestamp, events[0].TimestampAssigned, events[0].Corrects));
    }

    [Theory]
    [InlineData("r1")]
    [InlineData(" ")]
    [InlineData("a\u0001b")]
    public void Corrects_naming_itself_blank_or_with_control_characters_is_refused(string corrects)
    {
        var (validation, _) = Validate(Correction(corrects: corrects));

        Assert.False(validation.IsValid);
        Assert.Equal(["events[0].corrects"], Assert.IsType<ValidationProblem>(validation.Problem()).ProblemDetails.Errors.Keys);
    }

    [Fact]
    public void Corrects_longer_than_an_event_id_is_refused()
    {
        var (validation, _) = Validate(Correction(corrects: new string('e', EventValidation.MaxIdLength + 1)));

        Assert.False(validation.IsValid);
    }

    [Fact]
    public void Corrects_is_read_from_json_and_a_misspelling_is_refused()
    {
        var request = JsonSerializer.Deserialize<IngestRequest>("""{"events":[{"id":"r1","metric":"revenue","value":0,"corrects":"e1"}]}""", Json);

        Assert.Equal("e1", request!.Events![0]!.Corrects);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<IngestRequest>("""{"events":[{"id":"r1","metric":"revenue","value":0,"correct":"e1"}]}""", Json));
    }
}
