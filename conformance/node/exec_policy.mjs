// resolveExecApprovalsFromFile (plugin-sdk/exec-approvals-runtime): the policy an exec
// approvals file resolves to for agent "main", with the config's policy as the overrides
// (what the gateway host passes, src/agents/exec-defaults.ts).
export async function prepare(load) {
  const rt = await load("openclaw/plugin-sdk/exec-approvals-runtime");
  return (input) => {
    const r = rt.resolveExecApprovalsFromFile({ file: input.file, agentId: "main", overrides: input.overrides,
                                                path: "/dev/null", socketPath: "/dev/null", token: "" });
    return { security: r.agent.security, ask: r.agent.ask };
  };
}
