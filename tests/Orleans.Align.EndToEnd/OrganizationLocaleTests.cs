using System.Net;
using static Orleans.Align.EndToEnd.AlignmentApi;

namespace Orleans.Align.EndToEnd;

/// <summary>An organization's currency and time zone, in its settings: defaults, changes, refusals, audit, tenancy.</summary>
[Collection(SystemCollection.Name)]
public sealed class OrganizationLocaleTests(AlignSystem system)
{
    [Fact]
    public async Task Currency_and_time_zone_default_to_usd_and_utc_and_are_kept_when_changed()
    {
        var tenant = await system.CreateTenantAsync("locale");
        var other = await system.CreateTenantAsync("localeoth");
        var defaults = await tenant.GetOkAsync("/api/v1/settings");
        Assert.Equal(("USD", "UTC"), (defaults["currency"].Text(), defaults["timeZone"].Text()));

        var changed = await tenant.PutOkAsync("/api/v1/settings", new { currency = "EUR", timeZone = "Europe/Berlin" });
        Assert.Equal(("EUR", "Europe/Berlin"), (changed["currency"].Text(), changed["timeZone"].Text()));
        Assert.Equal(defaults["onTrackRatio"].Number(), changed["onTrackRatio"].Number());
        // Another setting alone leaves them as they are.
        var later = await tenant.PutOkAsync("/api/v1/settings", new { alertHoldMinutes = 3 });
        Assert.Equal(("EUR", "Europe/Berlin", 3d), (later["currency"].Text(), later["timeZone"].Text(), later["alertHoldMinutes"].Number()));
        Assert.Equal("Europe/Berlin", (await tenant.GetOkAsync("/api/v1/settings"))["timeZone"].Text());
        // Another organization's are its own.
        Assert.Equal(("USD", "UTC"), ((await other.GetOkAsync("/api/v1/settings"))["currency"].Text(), (await other.GetOkAsync("/api/v1/settings"))["timeZone"].Text()));

        var audit = (await tenant.GetOkAsync("/api/v1/audit?action=settings.changed"))["entries"]!.AsArray();
        Assert.Contains(audit, e => e!["detail"]?["fields"].Text() == "currency,timeZone");
    }

    [Theory]
    [InlineData("""{"currency":"eur"}""", "currency")]
    [InlineData("""{"currency":"ABC"}""", "currency")]
    [InlineData("""{"currency":"EURO"}""", "currency")]
    [InlineData("""{"currency":"XXX"}""", "currency")]
    [InlineData("""{"timeZone":"Mars/Olympus_Mons"}""", "timeZone")]
    [InlineData("""{"timeZone":"europe/berlin"}""", "timeZone")]
    [InlineData("""{"timeZone":"../../etc/passwd"}""", "timeZone")]
    [InlineData("""{"timeZone":""}""", "timeZone")]
    [InlineData("""{"currency":"EUR","locale":"de-DE"}""", null)]
    public async Task An_unknown_currency_or_time_zone_is_refused_and_changes_nothing(string body, string? field)
    {
        var tenant = await SharedTenant.GetAsync(system, "localebad", _ => Task.CompletedTask);
        var before = (await tenant.GetOkAsync("/api/v1/settings")).ToJsonString();
        using var answer = await tenant.SendAsync(HttpMethod.Put, "/api/v1/settings", body);
        await AssertProblemAsync(answer, 400, field);
        Assert.Equal(before, (await tenant.GetOkAsync("/api/v1/settings")).ToJsonString());
    }

    [Fact]
    public async Task Only_admins_change_them()
    {
        var tenant = await system.CreateTenantAsync("localerole");
        await tenant.SeedOrganizationAsync();
        using var lead = await tenant.SignInAsync(await tenant.AddPersonAsync("lead", "marketing"));
        Assert.Equal(HttpStatusCode.Forbidden, await lead.StatusAsync(HttpMethod.Put, "/api/v1/settings", new { currency = "GBP" }));
        await tenant.AssertStatusAsync(HttpMethod.Put, "/api/v1/settings", new { timeZone = "Asia/Tokyo" }, HttpStatusCode.Forbidden, await tenant.CreateReadKeyAsync());
        Assert.Equal("USD", (await tenant.GetOkAsync("/api/v1/settings"))["currency"].Text());
    }
}
