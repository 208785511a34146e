using Microsoft.AspNetCore.Http;
using Orleans.Align.Grains.Subscriptions;
using StandardWebhooks;

namespace Orleans.Align.Tests.Subscriptions;

public sealed class WebhookSignatureTests
{
    // The test vector of the Standard Webhooks reference libraries (standard-webhooks/standard-webhooks).
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string MessageId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long Timestamp = 1614265330;
    private const string Payload = """{"test": 2432232314}""";

    [Fact]
    public void Signing_gives_the_specifications_test_vector()
    {
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", WebhookSignature.Sign(Secret, MessageId, Timestamp, Payload));
    }

    [Fact]
    public void A_signature_of_a_new_secret_verifies_with_the_StandardWebhooks_package_and_not_with_another_secret()
    {
        var secret = WebhookSignature.NewSecret();
        Assert.StartsWith("whsec_", secret);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        const string body = """{"type":"alert.raised","data":{"text":"Ünïcode ✓"}}""";
        var headers = new HeaderDictionary
        {
            ["webhook-id"] = "msg_sub-1_7",
            ["webhook-timestamp"] = now.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["webhook-signature"] = WebhookSignature.Sign(secret, "msg_sub-1_7", now, body),
        };

        new StandardWebhook(secret).Verify(body, headers);
        Assert.Throws<StandardWebhooks.Diagnostics.WebhookVerificationException>(() => new StandardWebhook(WebhookSignature.NewSecret()).Verify(body, headers));
        Assert.NotEqual(secret, WebhookSignature.NewSecret());
    }
}
