namespace Orleans.Align.Tests.Contracts;

/// <summary>What an organization's currency and time zone may be (checked without ICU: the hosts run with invariant globalization).</summary>
public sealed class OrganizationLocaleTests
{
    [Theory]
    [InlineData("USD")]
    [InlineData("EUR")]
    [InlineData("JPY")]
    [InlineData("CHF")]
    [InlineData("XCG")]
    public void Currencies_in_use_are_known(string code) => Assert.True(OrganizationLocale.IsCurrency(code));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("usd")]
    [InlineData("US")]
    [InlineData("USDX")]
    [InlineData("ABC")]
    [InlineData("XXX")] // "no currency"
    [InlineData("XAU")] // gold
    [InlineData("XTS")] // testing
    public void Anything_else_is_not_a_currency(string? code) => Assert.False(OrganizationLocale.IsCurrency(code));

    [Theory]
    [InlineData("UTC")]
    [InlineData("Europe/Berlin")]
    [InlineData("America/New_York")]
    [InlineData("Asia/Kolkata")]
    public void Iana_ids_the_database_has_are_time_zones(string id) => Assert.True(OrganizationLocale.IsTimeZone(id));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("europe/berlin")] // not as the database spells it
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("../../etc/passwd")]
    [InlineData("/etc/localtime")]
    [InlineData("Europe/Berlin ")]
    public void Anything_else_is_not_a_time_zone(string? id) => Assert.False(OrganizationLocale.IsTimeZone(id));

    [Fact]
    public void Settings_saved_before_currency_and_time_zone_existed_read_back_with_the_defaults()
    {
        var old = AlignmentSettings.Default with { Currency = null!, TimeZone = null! };
        Assert.Equal(("USD", "UTC"), (old.WithDefaults().Currency, old.WithDefaults().TimeZone));
        Assert.Equal(("USD", "UTC"), (AlignmentSettings.Default.Currency, AlignmentSettings.Default.TimeZone));
    }
}
