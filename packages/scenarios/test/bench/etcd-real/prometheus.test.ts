import { describe, expect, it } from "vitest";
import {
  addCounters,
  diffCounters,
  parseLeaseCounters,
  ZERO_COUNTERS,
} from "../../../src/bench/etcd-real/prometheus.js";

// A trimmed excerpt of etcd 3.4's /metrics, as the benchmark scrapes it.
const EXPOSITION = `# HELP grpc_server_started_total Total number of RPCs started on the server.
# TYPE grpc_server_started_total counter
grpc_server_started_total{grpc_method="LeaseGrant",grpc_service="etcdserverpb.Lease",grpc_type="unary"} 1000
grpc_server_started_total{grpc_method="LeaseKeepAlive",grpc_service="etcdserverpb.Lease",grpc_type="bidi_stream"} 3
grpc_server_started_total{grpc_method="Watch",grpc_service="etcdserverpb.Watch",grpc_type="bidi_stream"} 7
grpc_server_msg_received_total{grpc_method="LeaseKeepAlive",grpc_service="etcdserverpb.Lease",grpc_type="bidi_stream"} 18042
grpc_server_msg_received_total{grpc_method="LeaseRevoke",grpc_service="etcdserverpb.Lease",grpc_type="unary"} 1000
grpc_server_msg_sent_total{grpc_method="LeaseKeepAlive",grpc_service="etcdserverpb.Lease",grpc_type="bidi_stream"} 1.8041e+04
grpc_server_handled_total{grpc_code="OK",grpc_method="LeaseKeepAlive",grpc_service="etcdserverpb.Lease",grpc_type="bidi_stream"} 2
etcd_debugging_lease_granted_total 1000
`;

describe("etcd Prometheus lease counters", () => {
  it("reads the LeaseKeepAlive streams, requests, responses and the grants", () => {
    expect(parseLeaseCounters(EXPOSITION)).toEqual({
      keepAliveStreams: 3,
      keepAliveRequests: 18042,
      keepAliveResponses: 18041,
      grants: 1000,
    });
  });

  it("counts a method no call created yet as 0", () => {
    expect(parseLeaseCounters("# nothing yet\nprocess_cpu_seconds_total 1.5\n")).toEqual(
      ZERO_COUNTERS,
    );
  });

  it("sums members and takes differences between scrapes", () => {
    const a = parseLeaseCounters(EXPOSITION);
    const sum = addCounters(a, a);
    expect(sum.keepAliveRequests).toBe(36084);
    expect(diffCounters(sum, a)).toEqual(a);
  });
});
