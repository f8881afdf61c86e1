// Follows one callStatus subscription with the npm graphql-ws client; prints each status.
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const [url, callId] = process.argv.slice(2);
const client = createClient({ url, webSocketImpl: WebSocket, lazy: true });
const statuses = [];
await new Promise((resolve, reject) => {
  client.subscribe(
    { query: "subscription($id: ID!) { callStatus(callId: $id) { status terminal } }",
      variables: { id: callId } },
    { next: (r) => r.errors ? reject(new Error(JSON.stringify(r.errors))) : statuses.push(r.data.callStatus.status),
      error: reject, complete: resolve },
  );
});
await client.dispose();
console.log(JSON.stringify(statuses));
