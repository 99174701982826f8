// A real OpenID Connect provider (panva's certified oidc-provider) on loopback, for the tests.
//
//   node provider.js CONFIG.json
//
// CONFIG holds {"clients": [...oidc-provider client metadata...], "accounts": "accounts.json"}.
// The accounts file maps a login name to the claims of that person; it is read again at every
// sign-in, so a test can move a person (change their roles) between two sign-ins. The login
// page is oidc-provider's development one: any password is accepted for a known login name.
// Prints one line of JSON, {"issuer": "http://127.0.0.1:PORT"}, once it listens.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));

function accounts() {
  return JSON.parse(readFileSync(config.accounts, 'utf8'));
}

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: config.clients,
    // Entra ID puts the person's claims (roles, e-mail, name) into the ID token itself.
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub', 'roles'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    },
    scopes: ['openid', 'email', 'profile'],
    cookies: { keys: ['svarfrist-test-provider'] },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    async findAccount(ctx, id) {
      const claims = accounts()[id];
      if (!claims) return undefined;
      return { accountId: id, async claims() { return { sub: id, ...claims }; } };
    },
    // No consent page: the municipality's own application is consented for everyone.
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  });
  provider.proxy = false;
  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});
