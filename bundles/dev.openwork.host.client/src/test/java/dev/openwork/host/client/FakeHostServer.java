package dev.openwork.host.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsServer;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostError;
import dev.openwork.host.api.pairing.PairingConfirmRequest;
import dev.openwork.host.api.pairing.PairingConfirmResponse;
import dev.openwork.host.api.pairing.PairingResult;
import dev.openwork.host.api.pairing.PairingStartRequest;
import dev.openwork.host.api.pairing.PairingStartResponse;
import dev.openwork.host.api.pairing.PakeRound1;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A host's pairing routes over TLS 1.3, on {@link FakeHost}; for the pairing and CLI tests. */
public final class FakeHostServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    public final TestCerts.Identity identity;
    private final HttpsServer server;
    volatile FakeHost host;
    public volatile String startMode = "ok";
    public volatile String confirmMode = "ok";
    public volatile String finalStatus = "approved";
    /** Polls answered pending before the final status. */
    public volatile int pendingPolls = 2;
    public final AtomicInteger polls = new AtomicInteger();
    public final List<String> pollQueries = new CopyOnWriteArrayList<>();
    /** Codes the host shows after each failure, in order. */
    public final List<String> nextCodes = new CopyOnWriteArrayList<>();

    public FakeHostServer() throws Exception {
        identity = TestCerts.generate("host.local");
        reset();
        server = identity.httpsServer();
        server.createContext("/v1/pairing/", this::handle);
        server.start();
    }

    public void reset() {
        host = new FakeHost("0123456789abcdef", "Test Host", "48213077", identity.spkiSha256());
        startMode = "ok";
        confirmMode = "ok";
        finalStatus = "approved";
        pendingPolls = 2;
        polls.set(0);
        pollQueries.clear();
        nextCodes.clear();
    }

    public void code(String code) {
        host.code = code;
    }

    public HostAddress address() {
        return new HostAddress("127.0.0.1", server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/v1/pairing/start")) {
                PairingStartRequest request = JSON.readValue(exchange.getRequestBody(), PairingStartRequest.class);
                switch (startMode) {
                    case "forbidden":
                        send(exchange, 403, HostError.of(ErrorCode.FORBIDDEN, "No pairing window is open on the host.",
                                "Ask the host's admin to open one."));
                        return;
                    case "conflict":
                        send(exchange, 409, new HostError("conflict", "Another device is pairing.", null));
                        return;
                    case "garbage": {
                        PairingStartResponse r = host.start(request);
                        PakeRound1 bad = new PakeRound1(r.round1().participantId(), "not*base64", r.round1().gx2(),
                                r.round1().zkpX1(), r.round1().zkpX2());
                        send(exchange, 200, new PairingStartResponse(r.pairingId(), r.hostId(), r.hostName(), bad, r.round2()));
                        return;
                    }
                    default:
                        send(exchange, 200, host.start(request));
                        return;
                }
            }
            if (path.equals("/v1/pairing/confirm")) {
                PairingConfirmRequest request = JSON.readValue(exchange.getRequestBody(), PairingConfirmRequest.class);
                try {
                    PairingConfirmResponse response = host.confirm(request, "pending_approval");
                    if (confirmMode.equals("badHostMac")) {
                        response = new PairingConfirmResponse(response.pairingId(), "00".repeat(32), response.status());
                    }
                    send(exchange, 200, response);
                } catch (FakeHost.WrongMac e) {
                    if (!nextCodes.isEmpty()) {
                        host.code = nextCodes.remove(0);
                    }
                    send(exchange, 400, new HostError("invalid_request", "Pairing failed: the code was wrong.", "Check the code."));
                }
                return;
            }
            String id = host.lastResponse() == null ? "-" : host.lastResponse().pairingId();
            if (path.equals("/v1/pairing/" + id + "/result")) {
                String proof = exchange.getRequestHeaders().getFirst("X-Pairing-Proof");
                if (!host.resultProof(id).equals(proof)) {
                    send(exchange, 404, new HostError("not_found", "No confirmed pairing with this id and proof.", null));
                    return;
                }
                pollQueries.add(exchange.getRequestURI().getQuery());
                if (polls.incrementAndGet() <= pendingPolls) {
                    send(exchange, 200, new PairingResult(id, "pending_approval", null, null, List.of(), identity.spkiSha256()));
                } else if (finalStatus.equals("approved")) {
                    send(exchange, 200, host.approved(id));
                } else {
                    send(exchange, 200, new PairingResult(id, finalStatus, null, null, List.of(), identity.spkiSha256()));
                }
                return;
            }
            send(exchange, 404, new HostError("not_found", "No such route.", null));
        } catch (Exception e) {
            send(exchange, 500, new HostError("internal", "test host failed: " + e, null));
        }
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
