// A real OpenID Provider for the single sign-on tests: the npm package `oidc-provider`
// (OpenID Certified), configured as a municipality's directory would be. Nothing of the
// protocol is written here; this file only supplies what a deployment supplies: clients,
// accounts and a login form.
//
//   node tests/peers/oidc_idp.mjs CONFIG.json
//
// CONFIG: {"port": 0, "clients": [{"client_id", "client_secret"}],
//          "accounts": {"login": {"email": ..., "name": ..., "groups": [...], ...}}}
// Prints "READY <issuer>" once it listens. The login form takes any account of CONFIG
// (password "richtig") and a checkbox "mfa": ticked, the ID token says amr ["pwd", "otp"] and
// acr "urn:kommunal-campus:mfa", as a directory that asked for a second factor would.
import { readFileSync } from "node:fs";
import http from "node:http";
import Provider from "oidc-provider";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const accounts = config.accounts;

function page(title, body) {
  return `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;
}

async function readForm(req) {
  let raw = "";
  for await (const chunk of req) raw += chunk;
  return Object.fromEntries(new URLSearchParams(raw));
}

// Storage as a deployment provides it (here: memory without the quick-start adapter's
// 1,000-entry limit, which loses codes when thousands sign in at once).
const store = new Map();
class MemoryAdapter {
  constructor(model) { this.model = model; }
  key(id) { return `${this.model}:${id}`; }
  async upsert(id, payload, expiresIn) {
    store.set(this.key(id), { payload, expires: Date.now() + expiresIn * 1000 });
    if (payload.grantId) {
      const grantKey = `grant:${payload.grantId}`;
      store.set(grantKey, [...(store.get(grantKey) || []), this.key(id)]);
    }
    if (payload.uid) store.set(`${this.model}:uid:${payload.uid}`, id);
    if (payload.userCode) store.set(`${this.model}:userCode:${payload.userCode}`, id);
  }
  async find(id) {
    const entry = store.get(this.key(id));
    if (!entry || entry.expires < Date.now()) return undefined;
    return entry.payload;
  }
  async findByUid(uid) { return this.find(store.get(`${this.model}:uid:${uid}`)); }
  async findByUserCode(code) { return this.find(store.get(`${this.model}:userCode:${code}`)); }
  async consume(id) {
    const entry = store.get(this.key(id));
    if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id) { store.delete(this.key(id)); }
  async revokeByGrantId(grantId) {
    for (const key of store.get(`grant:${grantId}`) || []) store.delete(key);
    store.delete(`grant:${grantId}`);
  }
}

const server = http.createServer();
server.listen(config.port || 0, "127.0.0.1", () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    adapter: MemoryAdapter,
    clients: config.clients.map((c) => ({
      client_id: c.client_id,
      client_secret: c.client_secret,
      redirect_uris: ["http://testserver/callback"],
      post_logout_redirect_uris: ["http://testserver/"],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    })),
    claims: {
      // acr and amr in every ID token, as directories that report the second factor do
      openid: ["sub", "acr", "amr", "auth_time"],
      email: ["email", "email_verified"],
      profile: ["name", "given_name", "family_name", "department", "groups"],
    },
    scopes: ["openid", "email", "profile"],
    acrValues: ["urn:kommunal-campus:pwd", "urn:kommunal-campus:mfa"],
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    ttl: { IdToken: config.id_token_ttl || 3600, AuthorizationCode: config.code_ttl || 60 },
    pkce: { required: () => true },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, id) {
      if (!accounts[id]) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: id, email_verified: true, ...accounts[id] };
        },
      };
    },
    // The municipality's directory has consented on its staff's behalf: no consent screen.
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
  });
  // Test servers listen on ports chosen at random: any http://testserver/ or loopback URL
  // counts as registered (a deployment registers the one URL the docs give).
  const loopback = (uri) => /^http:\/\/(testserver|127\.0\.0\.1(:\d+)?|localhost(:\d+)?)\//.test(uri);
  provider.Client.prototype.redirectUriAllowed = loopback;
  provider.Client.prototype.postLogoutRedirectUriAllowed = loopback;

  const callback = provider.callback();
  server.on("request", async (req, res) => {
    const match = req.url.match(/^\/interaction\/([^/?]+)/);
    if (!match) return callback(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (req.method === "GET") {
        res.setHeader("Content-Type", "text/html; charset=utf-8");
        res.end(page("Anmeldung Verwaltungsnetz", `
<form method="post" action="/interaction/${details.uid}">
<p><label for="login">Benutzername</label> <input id="login" name="login" autocomplete="username"></p>
<p><label for="password">Passwort</label> <input id="password" name="password" type="password"></p>
<p><input id="mfa" name="mfa" type="checkbox" value="1"> <label for="mfa">Mit zweitem Faktor bestätigt</label></p>
<p><button type="submit">Anmelden</button></p></form>`));
        return;
      }
      const form = await readForm(req);
      if (!accounts[form.login] || form.password !== "richtig") {
        res.statusCode = 401;
        res.setHeader("Content-Type", "text/html; charset=utf-8");
        res.end(page("Anmeldung fehlgeschlagen", "<p>Benutzername oder Passwort falsch.</p>"));
        return;
      }
      const mfa = form.mfa === "1";
      await provider.interactionFinished(req, res, {
        login: {
          accountId: form.login,
          amr: mfa ? ["pwd", "otp"] : ["pwd"],
          acr: mfa ? "urn:kommunal-campus:mfa" : "urn:kommunal-campus:pwd",
        },
      }, { mergeWithLastSubmission: false });
    } catch (err) {
      res.statusCode = 400;
      res.end(String(err));
    }
  });
  process.stdout.write(`READY ${issuer}\n`);
});
