// Narrows oc-exec-approvals-finding-unbound-requester on the real package: which clients
// leave an exec approval without a requester. bindApprovalRequesterMetadata
// (src/gateway/server-methods/approval-shared.ts) is what the exec.approval.request
// handler calls with its client; here it is given (a) the synthetic client the gateway's
// in-process dispatch builds when no agent runtime identity is attached
// (createSyntheticPluginRuntimeClient), and (b) a WebSocket client, which always has a
// connection id. Prints the recorded requester fields as JSON; conformance/findings.py
// asserts them. Usage: NODE24 conformance/node/finding_unbound_requester.mjs PACKAGE_ROOT
import path from "node:path";
import { pathToFileURL } from "node:url";

const dist = path.join(process.argv[2], "dist");
const load = (file) => import(pathToFileURL(path.join(dist, file)).href);
// the chunks of src/gateway/server-methods/approval-shared.ts and
// src/gateway/server-plugin-runtime-client.ts in 2026.9.6
const shared = await load("approval-shared-BRvspomi.mjs");
const clients = await load("server-plugin-runtime-client-C1m_HU6t.mjs");
const requester = (client) => {
  const record = { id: "approval-1" };
  shared.t({ record, client });
  return { connId: record.requestedByConnId, deviceId: record.requestedByDeviceId,
           clientId: record.requestedByClientId, deviceTokenAuth: record.requestedByDeviceTokenAuth };
};
const synthetic = clients.t({ scopes: ["operator.approvals"] });
const websocket = { connId: "conn-7", connect: { client: { id: "cli", mode: "cli" }, scopes: ["operator.approvals"] } };
console.log(JSON.stringify({ synthetic: requester(synthetic), websocket: requester(websocket), none: requester(undefined) }));
