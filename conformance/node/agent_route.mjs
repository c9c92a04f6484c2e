// resolveAgentRoute from the plugin SDK's routing entry: the agent, the tier that
// matched and the session key.
export async function prepare(load) {
  const routing = await load("openclaw/plugin-sdk/routing");
  return (input) => {
    const route = routing.resolveAgentRoute(input);
    return { agentId: route.agentId, matchedBy: route.matchedBy, sessionKey: route.sessionKey };
  };
}
