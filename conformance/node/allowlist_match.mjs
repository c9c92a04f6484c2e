// Whether one allow-list (or identity-link) entry admits one sender, by the package's own
// matchers (oc-allowlist-strings): Telegram's normalizeAllowFrom + isSenderAllowed (a list
// with no non-blank entry is "not configured": its callers never ask isSenderAllowed), the
// SDK's isNormalizedSenderAllowed and resolveAllowlistMatchSimple, the ingress runtime's
// resolveStableChannelMessageIngress (dmPolicy allowlist, the default stable identity), and
// identityLinks through buildAgentSessionKey (linked: the key names the link's canonical name),
// and commands.ownerAllowFrom: resolveCommandAuthorization's senderIsOwner (a direct message, the
// sender id as SenderId, no From) and isConfiguredCommandOwner, which must agree. The owner match
// reads channel prefixes through the loaded channel plugins, so while it runs the plugin registry
// holds the package's Telegram plugin and a stand-in Discord plugin without a formatAllowFrom
// (Discord is not in the package: the stand-in is the core's path for a plugin that formats nothing).
export async function prepare(load) {
  const telegram = await load("./dist/access-groups-p6LvuL3F.mjs");
  const allowFrom = await load("openclaw/plugin-sdk/allow-from");
  const ingress = await load("openclaw/plugin-sdk/channel-ingress-runtime");
  const routing = await load("openclaw/plugin-sdk/routing");
  const telegramPlugin = (await load("./dist/extensions/telegram/channel-plugin-api.js")).telegramPlugin;
  const commandAuth = await load("openclaw/plugin-sdk/command-auth");
  const ownerCore = await load("./dist/command-auth-8IGFzIiu.mjs");
  const registryKey = Symbol.for("openclaw.pluginRegistryState");
  const channelPlugins = { activeRegistry: { channels: [{ pluginId: "telegram", plugin: telegramPlugin },
    { pluginId: "discord", plugin: { id: "discord", meta: { label: "Discord" }, config: {} } }] }, activeVersion: 1 };
  const withChannelPlugins = (run) => {
    const before = globalThis[registryKey];
    globalThis[registryKey] = channelPlugins;
    try { return run(); } finally { globalThis[registryKey] = before; }
  };
  process.env.VITEST = "1";   // Telegram's normaliser logs a warning per invalid entry otherwise
  const matchers = {
    telegram: ({ entry, sender }) => {
      const allow = telegram.i([entry]);
      return allow.hasEntries && telegram.r({ allow, senderId: sender });
    },
    sdk_lower: ({ entry, sender }) => {
      const a = allowFrom.isNormalizedSenderAllowed({ senderId: sender, allowFrom: [entry] });
      const b = allowFrom.resolveAllowlistMatchSimple({ allowFrom: [entry], senderId: sender }).allowed;
      if (a !== b) throw new Error(`isNormalizedSenderAllowed ${a}, resolveAllowlistMatchSimple ${b}`);
      return a;
    },
    stable: async ({ channel, entry, sender }) => {
      const r = await ingress.resolveStableChannelMessageIngress({
        channelId: channel, accountId: "default", identity: { key: "sender" }, subject: { stableId: sender },
        conversation: { kind: "direct", id: "c1" }, allowFrom: [entry], groupAllowFrom: [],
        readStoreAllowFrom: async () => [], policy: {}, dmPolicy: "allowlist", groupPolicy: "allowlist", command: false,
      });
      return r.ingress.admission === "dispatch";
    },
    link: ({ channel, entry, sender }) => {
      const canonical = "linked-canonical-name";
      const key = routing.buildAgentSessionKey({
        agentId: "main", channel, accountId: "default", peer: { kind: "direct", id: sender },
        dmScope: "per-channel-peer", identityLinks: { [canonical]: [entry] },
      });
      if (sender.trim().toLowerCase() === canonical) throw new Error("the sender's id is the canonical name");
      return key === `agent:main:${channel}:direct:${canonical}`;
    },
    owner: ({ channel, entry, sender }) => withChannelPlugins(() => {
      const cfg = { commands: { ownerAllowFrom: [entry] } };
      const auth = commandAuth.resolveCommandAuthorization({ cfg, commandAuthorized: true,
        ctx: { Provider: channel, Surface: channel, ChatType: "direct", AccountId: "default", SenderId: sender } });
      if (auth.providerId !== channel) throw new Error(`the provider resolved as ${auth.providerId}`);
      const configured = ownerCore.t(cfg, { channel, senderId: sender, accountId: "default" });
      if (auth.senderIsOwner !== configured) throw new Error(`senderIsOwner ${auth.senderIsOwner}, isConfiguredCommandOwner ${configured}`);
      return configured;
    }),
  };
  return async (input) => ({ admitted: await matchers[input.matcher](input) });
}
