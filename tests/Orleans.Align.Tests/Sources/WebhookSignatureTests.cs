using System.Security.Cryptography;
using System.Text;
using Orleans.Align.Grains.Sources;
using Orleans.Align.Sources;

namespace Orleans.Align.Tests.Sources;

/// <summary>
/// Each tool's signature check against signatures computed here from the tool's documented recipe
/// (and the Standard Webhooks specification's own test vector): a right one passes, a changed body,
/// a wrong secret, a stale or future timestamp and a missing header do not.
/// </summary>
public sealed class WebhookSignatureTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);
    private static byte[] Hmac(string key, string message) => HMACSHA256.HashData(B(key), B(message));

    [Fact]
    public void Standard_webhooks_passes_the_specification_test_vector_and_nothing_else()
    {
        // From the Standard Webhooks specification's test vectors.
        const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Id = "msg_p5jXN8AQM9LWM0D4loKWxJek", Timestamp = "1614265330";
        const string Signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        var body = B("""{"test": 2432232314}""");
        var at = DateTimeOffset.FromUnixTimeSeconds(1614265330);

        Assert.True(WebhookSignatures.StandardWebhooks(Secret, Id, Timestamp, Signature, body, at).Valid);
        // Several signatures (a key being rotated): any one that matches will do.
        Assert.True(WebhookSignatures.StandardWebhooks(Secret, Id, Timestamp, "v1,Zm9vYmFy " + Signature, body, at.AddMinutes(4)).Valid);
        Assert.False(WebhookSignatures.StandardWebhooks(Secret, Id, Timestamp, Signature, B("""{"test": 2432232315}"""), at).Valid);
        Assert.False(WebhookSignatures.StandardWebhooks(Secret, "msg_other", Timestamp, Signature, body, at).Valid);
        Assert.False(WebhookSignatures.StandardWebhooks("whsec_" + Convert.ToBase64String(new byte[24]), Id, Timestamp, Signature, body, at).Valid);
        Assert.False(WebhookSignatures.StandardWebhooks(Secret, Id, Timestamp, "v2," + Signature[3..], body, at).Valid);
        var stale = WebhookSignatures.StandardWebhooks(Secret, Id, Timestamp, Signature, body, at.AddMinutes(6));
        Assert.False(stale.Valid);
        Assert.Contains("5-minute", stale.Reason);
        Assert.False(WebhookSignatures.StandardWebhooks(Secret, Id, Timestamp, Signature, body, at.AddMinutes(-6)).Valid);
        Assert.False(WebhookSignatures.StandardWebhooks(Secret, Id, null, Signature, body, at).Valid);
    }

    [Fact]
    public void A_generated_standard_webhooks_secret_is_whsec_and_32_bytes()
    {
        var secret = WebhookSignatures.NewStandardWebhooksSecret();
        Assert.StartsWith("whsec_", secret);
        Assert.Equal(32, WebhookSignatures.StandardWebhooksKey(secret)!.Length);
        Assert.NotEqual(secret, WebhookSignatures.NewStandardWebhooksSecret());
    }

    [Fact]
    public void HubSpot_v3_signs_method_uri_body_and_timestamp_within_five_minutes()
    {
        const string Secret = "hubspot-client-secret", Uri = "https://align.example.com/api/v1/sources/src-abc/webhook";
        const string Body = """[{"eventId":1,"subscriptionType":"contact.creation"}]""";
        var ts = Now.ToUnixTimeMilliseconds().ToString();
        var signature = Convert.ToBase64String(Hmac(Secret, "POST" + Uri + Body + ts));

        Assert.True(WebhookSignatures.HubSpotV3(Secret, "POST", Uri, B(Body), signature, ts, Now.AddMinutes(4)).Valid);
        Assert.False(WebhookSignatures.HubSpotV3(Secret, "POST", Uri.Replace("align.example.com", "10.0.0.5:8080"), B(Body), signature, ts, Now).Valid);
        Assert.False(WebhookSignatures.HubSpotV3(Secret, "POST", Uri, B(Body + " "), signature, ts, Now).Valid);
        Assert.False(WebhookSignatures.HubSpotV3("other-secret", "POST", Uri, B(Body), signature, ts, Now).Valid);
        Assert.False(WebhookSignatures.HubSpotV3(Secret, "POST", Uri, B(Body), signature, ts, Now.AddMinutes(6)).Valid);
        Assert.False(WebhookSignatures.HubSpotV3(Secret, "POST", Uri, B(Body), signature, "yesterday", Now).Valid);
        Assert.False(WebhookSignatures.HubSpotV3(Secret, "POST", Uri, B(Body), null, ts, Now).Valid);
    }

    [Fact]
    public void Shopify_signs_the_raw_body()
    {
        const string Secret = "shpss_app_secret";
        const string Body = """{"id":820982911946154508,"total_price":"199.00"}""";
        var signature = Convert.ToBase64String(Hmac(Secret, Body));

        Assert.True(WebhookSignatures.Shopify(Secret, B(Body), signature).Valid);
        Assert.False(WebhookSignatures.Shopify(Secret, B(Body.Replace("199.00", "1990.00")), signature).Valid);
        Assert.False(WebhookSignatures.Shopify("shpss_other", B(Body), signature).Valid);
        Assert.False(WebhookSignatures.Shopify(Secret, B(Body), "not base64 at all").Valid);
        Assert.False(WebhookSignatures.Shopify(Secret, B(Body), null).Valid);
        // The hex of the right MAC is not its Base64.
        Assert.False(WebhookSignatures.Shopify(Secret, B(Body), Convert.ToHexString(Hmac(Secret, Body))).Valid);
    }

    [Fact]
    public void Stripe_signs_timestamp_and_body_any_v1_matches_within_five_minutes()
    {
        const string Secret = "whsec_stripe_endpoint_secret";
        const string Body = """{"id":"evt_1","type":"checkout.session.completed"}""";
        var t = Now.ToUnixTimeSeconds();
        var v1 = Convert.ToHexStringLower(Hmac(Secret, $"{t}.{Body}"));

        Assert.True(WebhookSignatures.Stripe(Secret, B(Body), $"t={t},v1={v1}", Now).Valid);
        Assert.True(WebhookSignatures.Stripe(Secret, B(Body), $"t={t},v1={new string('0', 64)},v1={v1},v0=abc", Now.AddMinutes(-4)).Valid);
        Assert.False(WebhookSignatures.Stripe(Secret, B(Body), $"t={t + 1},v1={v1}", Now).Valid);
        Assert.False(WebhookSignatures.Stripe(Secret, B(Body), $"t={t},v0={v1}", Now).Valid);
        Assert.False(WebhookSignatures.Stripe("whsec_other", B(Body), $"t={t},v1={v1}", Now).Valid);
        Assert.False(WebhookSignatures.Stripe(Secret, B(Body), $"v1={v1}", Now).Valid);
        var stale = WebhookSignatures.Stripe(Secret, B(Body), $"t={t},v1={v1}", Now.AddMinutes(5).AddSeconds(1));
        Assert.False(stale.Valid);
        Assert.Contains("5-minute", stale.Reason);
    }

    [Fact]
    public void The_mapper_turns_a_shopify_order_into_orders_and_revenue_with_the_utm_campaign()
    {
        var source = new SourceDefinition("src-aaaaaaaaaaaaaaaaaaaa", "Shop", SourceScheme.Shopify, SourcePresets.Effective(SourceScheme.Shopify, null));
        var headers = new Dictionary<string, string> { ["x-shopify-topic"] = "orders/create", ["x-shopify-webhook-id"] = "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043" };
        var body = B("""{"id":1,"created_at":"2026-12-07T08:55:00+01:00","total_price":"199.50","landing_site":"/?utm_source=news&utm_campaign=Spring+Launch"}""");

        var mapped = SourceMapper.Map(source.Id, source, headers, body, Now);

        Assert.Null(mapped.Failure);
        Assert.Equal(["orders", "revenue"], mapped.Events.Select(e => e.Metric));
        Assert.Equal([1, 199.5], mapped.Events.Select(e => e.Value));
        Assert.All(mapped.Events, e => Assert.Equal("spring-launch", e.Campaign));
        Assert.All(mapped.Events, e => Assert.Equal(new DateTimeOffset(2026, 12, 7, 7, 55, 0, TimeSpan.Zero), e.Timestamp));
        Assert.Equal("src-aaaaaaaaaaaaaaaaaaaa:b54557e4-bdd9-4b37-8a5f-bf7d70bcd043:revenue", mapped.Events[1].Id);

        var updated = SourceMapper.Map(source.Id, source, new Dictionary<string, string>(headers) { ["x-shopify-topic"] = "orders/updated" }, body, Now);
        Assert.Equal((0, 1, null), (updated.Events.Count, updated.Ignored, updated.Failure));
        var noPrice = SourceMapper.Map(source.Id, source, headers, B("""{"id":1,"created_at":"2026-12-07T08:55:00Z","total_price":true}"""), Now);
        Assert.Contains("not a number", noPrice.Failure);
    }

    [Fact]
    public void The_mapper_reads_stripe_amounts_in_the_currency_minor_units()
    {
        var source = new SourceDefinition("src-aaaaaaaaaaaaaaaaaaaa", "Stripe", SourceScheme.Stripe, SourcePresets.Effective(SourceScheme.Stripe, null));
        string Body(string currency) => "{\"id\":\"evt_1\",\"type\":\"checkout.session.completed\",\"created\":" + Now.ToUnixTimeSeconds()
            + ",\"data\":{\"object\":{\"amount_total\":12345,\"currency\":\"" + currency + "\",\"metadata\":{\"utm_campaign\":\"launch\"}}}}";

        Assert.Equal(123.45, SourceMapper.Map(source.Id, source, new Dictionary<string, string>(), B(Body("eur")), Now).Events[0].Value);
        Assert.Equal(12345, SourceMapper.Map(source.Id, source, new Dictionary<string, string>(), B(Body("jpy")), Now).Events[0].Value);
        Assert.Equal(12.345, SourceMapper.Map(source.Id, source, new Dictionary<string, string>(), B(Body("kwd")), Now).Events[0].Value, 9);
    }
}
