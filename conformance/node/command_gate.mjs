// resolveControlCommandGate (plugin-sdk/command-auth; this entry needs Node >= 24).
export async function prepare(load) {
  const auth = await load("openclaw/plugin-sdk/command-auth");
  return (input) => {
    const r = auth.resolveControlCommandGate(input);
    return { authorized: r.commandAuthorized, block: r.shouldBlock };
  };
}
