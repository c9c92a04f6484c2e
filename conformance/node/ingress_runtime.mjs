// The ingress runtime the gateway runs for an inbound message (src/channels/message-access/
// runtime.ts through plugin-sdk/channel-ingress-runtime's resolveStableChannelMessageIngress,
// the same resolver the host's channel runtime builds for plugins): route, sender, command,
// event and mention gates for one message from sender "me". The pairing store is the
// reader the runtime is given (readStoreAllowFrom); access groups come from cfg.accessGroups.
export async function prepare(load) {
  const sdk = await load("openclaw/plugin-sdk/channel-ingress-runtime");
  return async (input) => {
    const params = {
      channelId: input.channel,
      accountId: "default",
      identity: { key: "sender" },
      subject: { stableId: input.sender ?? "me" },
      conversation: { kind: input.conv, id: "c1" },
      allowFrom: input.allowFrom,
      groupAllowFrom: input.groupAllowFrom,
      readStoreAllowFrom: async () => input.store,
      cfg: input.accessGroups ? { accessGroups: input.accessGroups } : undefined,
      policy: {},
    };
    if ("dmPolicy" in input) params.dmPolicy = input.dmPolicy;
    if ("groupPolicy" in input) params.groupPolicy = input.groupPolicy;
    if ("fallback" in input) params.policy.groupAllowFromFallbackToAllowFrom = input.fallback;
    if ("useAccessGroups" in input) params.useAccessGroups = input.useAccessGroups;
    if (input.activation) params.policy.activation = input.activation;
    if (input.mention) params.mentionFacts = input.mention;
    params.command = input.command ?? false;
    const r = await sdk.resolveStableChannelMessageIngress(params);
    // the admission in the claim's names (pairing-required is its pairing)
    const admission = r.ingress.admission === "pairing-required" ? "pairing" : r.ingress.admission;
    return { admission, sender: r.senderAccess.reasonCode, authorized: r.commandAccess.authorized,
             skip: r.activationAccess.shouldSkip };
  };
}
