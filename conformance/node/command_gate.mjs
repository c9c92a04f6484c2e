// resolveControlCommandGate (openclaw: plugin-sdk/command-auth, which needs Node >= 24;
// clawdbot: channels/command-gating).
export async function prepare(load, pkg) {
  const auth = await load(pkg === "openclaw" ? "openclaw/plugin-sdk/command-auth" : "./dist/channels/command-gating.js");
  return (input) => {
    const r = auth.resolveControlCommandGate(input);
    return { authorized: r.commandAuthorized, block: r.shouldBlock };
  };
}
