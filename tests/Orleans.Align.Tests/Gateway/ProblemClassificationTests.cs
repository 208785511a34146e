using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Orleans.Align.Gateway.Api;

namespace Orleans.Align.Tests.Gateway;

/// <summary>Every failure becomes a problem document with the status its cause calls for.</summary>
public sealed class ProblemClassificationTests
{
    [Theory]
    [InlineData(AlignErrorKind.NotFound, 404)]
    [InlineData(AlignErrorKind.Conflict, 409)]
    [InlineData(AlignErrorKind.Invalid, 400)]
    [InlineData(AlignErrorKind.Unavailable, 503)]
    public void Refused_command_maps_to_the_status_of_its_kind(AlignErrorKind kind, int status)
    {
        var (actual, _, detail) = ProblemExceptionHandler.Classify(new AlignException(kind, "what happened"));

        Assert.Equal(status, actual);
        Assert.Equal("what happened", detail);
    }

    [Fact]
    public void Every_error_kind_has_a_client_or_unavailable_status() =>
        Assert.All(Enum.GetValues<AlignErrorKind>(), kind =>
            Assert.NotEqual(500, ProblemExceptionHandler.Classify(new AlignException(kind, "x")).Status));

    [Fact]
    public async Task A_refusal_that_knows_when_to_retry_answers_503_with_that_Retry_After()
    {
        var http = new DefaultHttpContext();
        var warming = AlignException.Unavailable("The provenance index is warming up.", TimeSpan.FromSeconds(5.2));
        var handler = new ProblemExceptionHandler(new NoWriter(), Microsoft.Extensions.Logging.Abstractions.NullLogger<ProblemExceptionHandler>.Instance);

        await handler.TryHandleAsync(http, warming, CancellationToken.None);

        Assert.Equal(503, http.Response.StatusCode);
        Assert.Equal("6", http.Response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task Any_other_503_answers_the_default_Retry_After()
    {
        var http = new DefaultHttpContext();
        var handler = new ProblemExceptionHandler(new NoWriter(), Microsoft.Extensions.Logging.Abstractions.NullLogger<ProblemExceptionHandler>.Instance);

        await handler.TryHandleAsync(http, new TimeoutException(), CancellationToken.None);

        Assert.Equal(503, http.Response.StatusCode);
        Assert.Equal("2", http.Response.Headers.RetryAfter.ToString());
    }

    private sealed class NoWriter : IProblemDetailsService
    {
        public ValueTask WriteAsync(ProblemDetailsContext context) => ValueTask.CompletedTask;
    }

    [Fact]
    public void Timeout_maps_to_503() =>
        Assert.Equal(503, ProblemExceptionHandler.Classify(new TimeoutException()).Status);

    [Fact]
    public void Malformed_json_maps_to_400() =>
        Assert.Equal(400, ProblemExceptionHandler.Classify(new JsonException("bad")).Status);

    [Fact]
    public void Body_too_large_maps_to_413() =>
        Assert.Equal(413, ProblemExceptionHandler.Classify(new BadHttpRequestException("too large", 413)).Status);

    [Fact]
    public void Unexpected_exception_maps_to_500_without_leaking_its_message()
    {
        var (status, _, detail) = ProblemExceptionHandler.Classify(new InvalidOperationException("connection string=secret"));

        Assert.Equal(500, status);
        Assert.DoesNotContain("secret", detail);
    }
}
