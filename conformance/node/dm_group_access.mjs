// resolveDmGroupAccessWithLists (plugin-sdk/channel-policy): the access decision and the
// effective lists. The sender matcher is the channel's; here: the list holds "*" or the sender.
export async function prepare(load) {
  const policy = await load("openclaw/plugin-sdk/channel-policy");
  return (input) => {
    const sender = input.senderId;
    const r = policy.resolveDmGroupAccessWithLists({
      ...input.params,
      isSenderAllowed: (list) => list.includes("*") || list.includes(sender),
    });
    return { decision: r.decision, reasonCode: r.reasonCode,
             effectiveAllowFrom: [...r.effectiveAllowFrom].sort(), effectiveGroupAllowFrom: [...r.effectiveGroupAllowFrom].sort() };
  };
}
