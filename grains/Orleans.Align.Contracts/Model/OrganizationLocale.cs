namespace Orleans.Align;

/// <summary>
/// What an organization's currency and time zone may be. The currencies are a list of their own, not
/// read from <c>RegionInfo</c>: the hosts run with invariant globalization (no ICU), where culture data
/// names no currency. Time zones are IANA ids the host's time zone database knows (tzdata, not ICU).
/// </summary>
public static class OrganizationLocale
{
    public const string DefaultCurrency = "USD";
    public const string DefaultTimeZone = "UTC";

    public const string CurrencyPattern = "^[A-Z]{3}$";
    public const string TimeZonePattern = "^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$";
    public const int MaxTimeZoneLength = 64;

    /// <summary>
    /// ISO 4217 currencies in use (2025 list), without funds, precious metals, units of account and
    /// the testing and "no currency" codes: an organization keeps its books in none of those.
    /// </summary>
    public static readonly IReadOnlySet<string> Currencies = new HashSet<string>(StringComparer.Ordinal)
    {
        "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF",
        "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY", "COP", "CRC",
        "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS",
        "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD",
        "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL",
        "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD",
        "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD",
        "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP",
        "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VES",
        "VED", "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
    };

    public static bool IsCurrency(string? code) => code is { Length: 3 } && Currencies.Contains(code);

    /// <summary>
    /// An IANA id the time zone database has, spelt as it spells it ("Europe/Berlin", not
    /// "europe/berlin"): ids are compared as text elsewhere (reports, the web client).
    /// </summary>
    public static bool IsTimeZone(string? id)
    {
        if (id is null || id.Length is 0 or > MaxTimeZoneLength || !System.Text.RegularExpressions.Regex.IsMatch(id, TimeZonePattern)) return false;
        if (id == DefaultTimeZone) return true;
        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.Id == id;
    }
}
