// resolveInboundMentionDecision (plugin-sdk/channel-mention-gating).
export async function prepare(load) {
  const gating = await load("openclaw/plugin-sdk/channel-mention-gating");
  return (input) => {
    const r = gating.resolveInboundMentionDecision(input);
    return { implicit: r.implicitMention, effective: r.effectiveWasMentioned, bypass: r.shouldBypassMention, skip: r.shouldSkip };
  };
}
