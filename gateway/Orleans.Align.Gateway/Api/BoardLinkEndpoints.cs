using System.ComponentModel.DataAnnotations;
using Orleans.Align.Gateway.Auth;
using Orleans.Align.Grains;

namespace Orleans.Align.Gateway.Api;

/// <summary>
/// Wall-screen board links: a credential that reads and watches one board and nothing else, opened
/// without signing in (<c>/?board={board}&amp;key={link}</c>), revocable, optionally expiring. Made by an
/// admin (key or person) or a lead (the overview, war rooms, and the boards of departments they lead).
/// Creating one is checked in the cluster like issuing a key; a link is stored and revoked like a key.
/// </summary>
public static class BoardLinkEndpoints
{
    public const string BoardPattern = "^(overview|campaign:[a-z0-9][a-z0-9-]{0,63}|department:[a-z0-9][a-z0-9-]{0,63})$";
    public const int MaxBoardLength = 11 + Identifiers.MaxLength;

    public static void MapBoardLinks(this RouteGroupBuilder api)
    {
        var links = api.MapGroup("/board-links").WithTags("Board links").Requires(AlignAction.ManageBoardLinks).Authenticated()
            .AddEndpointFilter(CredentialChecks.RequireValidNow);
        links.MapPost("", CreateAsync).Reads().Answers<CreateBoardLinkResponse>(201);
        links.MapGet("", ListAsync).Answers<IReadOnlyList<BoardLinkResponse>>();
        links.MapDelete("/{linkId}", RevokeAsync).Produces(204).Problems(404);
    }

    private static async Task<IResult> CreateAsync(CreateBoardLinkRequest request, HttpContext http, IClusterClient cluster, TimeProvider clock)
    {
        var v = new Validation();
        var name = v.Text("name", request.Name, InputLimits.MaxShortNameLength);
        if (string.IsNullOrEmpty(request.Board)) v.Add("board", "is required.");
        else if (!BoardIds.IsValid(request.Board)) v.Add("board", $"must be {BoardIds.Rule}.");
        if (request.ExpiresAt is { } at && at <= clock.GetUtcNow()) v.Add("expiresAt", "must be in the future.");
        if (!v.IsValid) return v.Problem();
        var board = request.Board!;
        if (Policies.Departments(http, AlignAction.ManageBoardLinks, BoardLinkScope.DepartmentsOf(board)) is { } refused) return refused;

        var token = BoardLinks.Generate();
        var issuer = http.User.IsPerson()
            ? new BoardLinkIssuer(null, http.User.EmailOf(), http.User.FindFirst(AlignClaims.SessionId)!.Value)
            : new BoardLinkIssuer(http.User.KeyHashOf(), null, null);
        var record = await cluster.GetGrain<IOrganizationGrain>(http.User.OrgId())
            .IssueBoardLinkAsync(name!, board, request.ExpiresAt, ApiKeys.Hash(token), issuer);
        if (record is null) return CredentialChecks.NotValid(); // revoked, removed or demoted between the check above and now
        return TypedResults.Created($"/api/v1/board-links/{record.KeyId}",
            new CreateBoardLinkResponse(record.KeyId, record.Name, board, record.CreatedAt, record.ExpiresAt, token, UrlOf(http, board, token)));
    }

    /// <summary>The page that opens the board with the link: the gateway's own address, the board and the link as the key.</summary>
    public static string UrlOf(HttpContext http, string board, string token) =>
        $"{http.Request.Scheme}://{http.Request.Host}/?board={Uri.EscapeDataString(board)}&key={token}";

    private static async Task<IResult> ListAsync(HttpContext http, IClusterClient cluster)
    {
        var links = await cluster.GetGrain<IOrganizationGrain>(http.User.OrgId()).ListBoardLinksAsync();
        // Leads see the links of boards they may link; admins all of them.
        return TypedResults.Ok(links.Where(l => http.User.Allows(AlignAction.ManageBoardLinks, BoardLinkScope.DepartmentsOf(l.Board!)))
            .Select(l => new BoardLinkResponse(l.KeyId, l.Name, l.Board!, l.CreatedAt, l.ExpiresAt, l.Revoked, l.CreatedBy)));
    }

    private static async Task<IResult> RevokeAsync(string linkId, HttpContext http, IClusterClient cluster)
    {
        var notFound = CatalogueEndpoints.NotFound($"Board link {InputLimits.Echo(linkId)} does not exist.");
        if (linkId.Length > Identifiers.MaxLength) return notFound;
        var org = cluster.GetGrain<IOrganizationGrain>(http.User.OrgId());
        var link = (await org.ListBoardLinksAsync()).FirstOrDefault(l => l.KeyId == linkId);
        if (link is null) return notFound;
        if (Policies.Departments(http, AlignAction.ManageBoardLinks, BoardLinkScope.DepartmentsOf(link.Board!)) is { } refused) return refused;
        await org.RevokeBoardLinkAsync(linkId);
        return TypedResults.NoContent();
    }
}

/// <summary>A board link for one board; <c>expiresAt</c> (optional, in the future) ends it by itself.</summary>
public sealed record CreateBoardLinkRequest(
    [property: Required, StringLength(InputLimits.MaxShortNameLength, MinimumLength = 1)] string? Name,
    [property: Required, StringLength(BoardLinkEndpoints.MaxBoardLength, MinimumLength = 1), RegularExpression(BoardLinkEndpoints.BoardPattern)] string? Board,
    DateTimeOffset? ExpiresAt);

/// <summary>The new link: <c>link</c> (the secret, shown once) and <c>url</c>, the page that opens the board with it.</summary>
public sealed record CreateBoardLinkResponse(string Id, string Name, string Board, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string Link, string Url);

public sealed record BoardLinkResponse(string Id, string Name, string Board, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, bool Revoked, string? CreatedBy);
