// The session key of one message: buildAgentSessionKey, then resolveThreadSessionKeys
// when the message is in a thread. openclaw: the plugin SDK's routing entry;
// clawdbot (no SDK entry for routing): its routing/session-key module.
export async function prepare(load, pkg) {
  if (pkg === "openclaw") {
    const routing = await load("openclaw/plugin-sdk/routing");
    return (input) => withThread(routing.buildAgentSessionKey(input.params), input.threadId, routing);
  }
  const keys = await load("./dist/routing/session-key.js");
  return (input) => {
    const p = input.params;
    const base = keys.buildAgentPeerSessionKey({
      agentId: p.agentId, mainKey: "main", channel: p.channel, accountId: p.accountId,
      peerKind: p.peer.kind === "direct" ? "dm" : p.peer.kind, peerId: p.peer.id, dmScope: p.dmScope, identityLinks: p.identityLinks,
    });
    return withThread(base, input.threadId, keys);
  };
}

function withThread(base, threadId, mod) {
  if (!threadId) return base;
  return mod.resolveThreadSessionKeys({ baseSessionKey: base, threadId }).sessionKey;
}
