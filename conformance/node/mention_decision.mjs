// resolveInboundMentionDecision (openclaw: plugin-sdk/channel-mention-gating);
// clawdbot: resolveMentionGatingWithBypass (channels/mention-gating), which takes one
// implicitMention flag instead of a list of kinds.
export async function prepare(load, pkg) {
  if (pkg === "openclaw") {
    const gating = await load("openclaw/plugin-sdk/channel-mention-gating");
    return (input) => {
      const r = gating.resolveInboundMentionDecision(input);
      return { implicit: r.implicitMention, effective: r.effectiveWasMentioned, bypass: r.shouldBypassMention, skip: r.shouldSkip };
    };
  }
  const gating = await load("./dist/channels/mention-gating.js");
  return (input) => {
    const implicitMention = (input.implicitMentionKinds ?? []).length > 0;
    const r = gating.resolveMentionGatingWithBypass({ ...input, implicitMention });
    return { implicit: implicitMention, effective: r.effectiveWasMentioned, bypass: r.shouldBypassMention, skip: r.shouldSkip };
  };
}
