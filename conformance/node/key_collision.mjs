// Two messages' session keys from the plugin SDK's routing entry (buildAgentSessionKey, then
// resolveThreadSessionKeys in a thread), and whether the package gives both the same key.
export async function prepare(load) {
  const routing = await load("openclaw/plugin-sdk/routing");
  const key = (scope, links, m) => {
    const base = routing.buildAgentSessionKey({
      agentId: "main", channel: m.channel, accountId: m.accountId, peer: { kind: m.kind, id: m.id },
      dmScope: scope, identityLinks: links,
    });
    return m.threadId.trim() ? routing.resolveThreadSessionKeys({ baseSessionKey: base, threadId: m.threadId }).sessionKey
      : base;
  };
  return (input) => {
    const keys = input.messages.map((m) => key(input.dmScope, input.identityLinks, m));
    return { keys, same: keys[0] === keys[1] };
  };
}
