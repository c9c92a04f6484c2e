// The gateway's auth mode for one auth config: resolveGatewayAuth from the plugin SDK's
// gateway-runtime entry (no environment variables, no Tailscale), and whether start-up
// refuses the config as ambiguous (a token and a password but no mode).
export async function prepare(load, pkg) {
  const gateway = await load(`${pkg}/plugin-sdk/gateway-runtime`);
  return async (input) => {
    const cfg = { gateway: { auth: input.auth } };
    let startup = "starts";
    try {
      await gateway.ensureGatewayStartupAuth({ cfg, env: {} });
    } catch (err) {
      startup = /both configured/.test(String(err?.message)) ? "refused-ambiguous" : `error: ${String(err?.message).slice(0, 80)}`;
    }
    return { mode: gateway.resolveGatewayAuth({ authConfig: input.auth, env: {} }).mode, startup };
  };
}
