// A real OpenID Connect provider (panva/oidc-provider) on loopback, for the single sign-on tests and for
// trying SSO by hand. Not a mock: discovery, the authorization code flow with PKCE (required), signed ID
// tokens, the token and userinfo endpoints are oidc-provider's own.
//
//   node server.mjs --port 4010 --client-id align --client-secret s3cret \
//        --redirect-prefix http://127.0.0.1:8080/api/v1/sso/
//
// Accounts: whatever login name is typed on the (built-in, development) sign-in form is the account, and its
// `email` claim (email_verified: true, false for a login starting with "unverified."), so a test signs in as ada@allowed.example by typing that. Any
// password is accepted: this provider vouches for nobody, it only lets the tests drive a real protocol.
// Redirect URIs: the gateway has one per organization (…/api/v1/sso/{org}/callback), so the client accepts
// any `{redirect-prefix}{org}/callback` (oidc-provider's wildcard recipe), nothing else. Several gateways:
// several prefixes, comma-separated.
import Provider from 'oidc-provider';

function argument(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  const env = process.env[`OIDC_${name.toUpperCase().replaceAll('-', '_')}`];
  if (env) return env;
  if (fallback !== undefined) return fallback;
  console.error(`--${name} is required`);
  process.exit(2);
}

const port = Number(argument('port', '4010'));
const host = '127.0.0.1';
const issuer = argument('issuer', `http://${host}:${port}`);
const clientId = argument('client-id', 'align');
const clientSecret = argument('client-secret', 'align-dev-secret');
const redirectPrefixes = argument('redirect-prefix', 'http://127.0.0.1:8080/api/v1/sso/').split(',').map((p) => p.trim()).filter(Boolean);
const organizationPattern = /^[a-z0-9][a-z0-9-]{0,63}$/;

const configuration = {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: redirectPrefixes.map((p) => `${p}example/callback`),
    token_endpoint_auth_method: 'client_secret_post',
  }],
  pkce: { required: () => true },
  // The ID token carries the scope's claims (email, email_verified, name), as most providers' do.
  conformIdTokenClaims: false,
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        // A login starting with "unverified." is an address the provider has not verified (for that refusal's test).
        return { sub: id, email: id, email_verified: !id.startsWith('unverified.'), name: id.split('@')[0] };
      },
    };
  },
  // First-party: consent is implied, so the tests see one form (sign-in), as with most company IdPs.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['align-e2e-oidc-cookie-key'] },
};

const provider = new Provider(issuer, configuration);

const allowed = provider.Client.prototype.redirectUriAllowed;
provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(value) {
  for (const prefix of redirectPrefixes) {
    if (typeof value === 'string' && value.startsWith(prefix) && value.endsWith('/callback')) {
      const org = value.slice(prefix.length, -'/callback'.length);
      if (organizationPattern.test(org)) return true;
    }
  }
  return allowed.call(this, value);
};

provider.listen(port, host, () => {
  console.log(`oidc-provider listening on ${issuer} (client ${clientId}, redirect URIs ${redirectPrefixes.map((p) => `${p}{org}/callback`).join(', ')})`);
});
