package dev.openwork.host.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.client.HostAddress;
import dev.openwork.host.client.HostClient;
import dev.openwork.host.client.HostClientException;
import dev.openwork.host.client.KnownHost;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/**
 * The security sweep, driven by the host's own OpenAPI document so a route added tomorrow is swept
 * too: every operation, on both listeners, with no, malformed (three kinds), unknown, revoked and
 * wrong-scope credentials, the admin credential over the LAN, and a valid credential, each with a
 * proper Host, a foreign Host, a foreign Origin and the {@code null} Origin. Every combination but
 * a valid credential with proper headers must be refused with the typed error (code, message,
 * action), never echo the credential and never grant CORS. Also: TLS 1.2 clients and clients whose
 * pinned key differs (a wrong pin, an intercepting proxy) are refused, and requests that Jetty
 * refuses by itself (malformed request line or headers, oversized headers or URI, an unknown HTTP
 * version, broken chunked framing) get the typed JSON error on both listeners, never HTML.
 */
public class SecuritySweepIT {

    private static final String SUITE = "security sweep";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Everything a device may hold but admin. */
    private static final Set<String> ALL_BUT_ADMIN = Set.of(Scopes.STATUS_READ, Scopes.TASKS_RUN, Scopes.TASKS_READ,
            Scopes.PERMISSIONS_ANSWER, Scopes.RUNTIME_ANY, Scopes.WORKSPACE_ANY);

    enum Credential { NONE, EMPTY_BEARER, OTHER_SCHEME, OVERSIZED, UNKNOWN, REVOKED, WRONG_SCOPE, ADMIN_ON_LAN, VALID }

    enum Headers { PROPER, FOREIGN_HOST, FOREIGN_ORIGIN, NULL_ORIGIN }

    /** What the host must answer: status and error code. */
    record Expected(int status, String code) {
    }

    @ClassRule
    public static TemporaryFolder folder = new TemporaryFolder();
    @Rule
    public Timeout deadline = Timeout.seconds(Proof.deadlineSeconds(300, 1800));

    private static HostProcess host;
    private static KnownHost adminDevice;
    private static String revokedCredential;
    private static String adminCredential;
    private static final Map<String, String> wrongScopeCredentials = new HashMap<>();

    @BeforeClass
    public static void startHost() throws Exception {
        host = new HostProcess(folder.newFolder("data").toPath()).withOwnHome(Map.of()).start();
        adminCredential = Http.adminCredential(host.data);
        adminDevice = PairedDevices.pair(host, "sweep admin phone", List.of(Scopes.ADMIN));
        KnownHost revoked = PairedDevices.pair(host, "lost phone", List.of(Scopes.ADMIN));
        PairedDevices.revoke(host, revoked.deviceId());
        revokedCredential = revoked.credential();
    }

    @AfterClass
    public static void stopHost() throws Exception {
        if (host != null) {
            host.stop();
        }
    }

    /** A device whose scopes are everything except what covers {@code scope}. */
    private static String wrongScopeCredential(String scope) {
        return wrongScopeCredentials.computeIfAbsent(scope, needed -> {
            Set<String> scopes = new TreeSet<>();
            for (String candidate : ALL_BUT_ADMIN) {
                if (!Scopes.covers(Set.of(candidate), needed)) {
                    scopes.add(candidate);
                }
            }
            return PairedDevices.pair(host, "lacks " + needed, scopes).credential();
        });
    }

    static Expected expected(ApiDocument.Route route, boolean tls, Credential credential, Headers headers) {
        if (headers == Headers.FOREIGN_HOST) {
            return new Expected(400, "invalid_request");
        }
        if (headers != Headers.PROPER) {
            return new Expected(403, "forbidden");
        }
        if (!route.servedOn(tls)) {
            return new Expected(403, "forbidden");
        }
        if (route.scopeOn(tls).isEmpty()) {
            return null; // public on this listener: credentials do not matter
        }
        return credential == Credential.WRONG_SCOPE ? new Expected(403, "forbidden") : new Expected(401, "unauthenticated");
    }

    private String authorization(Credential credential, ApiDocument.Route route, boolean tls, String unknown) {
        String admin = adminCredential;
        return switch (credential) {
            case NONE -> null;
            case EMPTY_BEARER -> "Bearer ";
            case OTHER_SCHEME -> "Basic dXNlcjpwYXNzd29yZA==";
            case OVERSIZED -> "Bearer " + "x".repeat(6000);
            case UNKNOWN -> "Bearer " + unknown;
            case REVOKED -> "Bearer " + revokedCredential;
            case WRONG_SCOPE -> "Bearer " + wrongScopeCredential(route.scopeOn(tls));
            case ADMIN_ON_LAN -> "Bearer " + admin;
            case VALID -> "Bearer " + (tls ? adminDevice.credential() : admin);
        };
    }

    @Test
    public void everyRouteRefusesEveryBadCredentialAndForeignHostOrOriginWithTheTypedError() throws Exception {
        ApiDocument api = ApiDocument.fetch(host.admin().http());
        assertTrue("the document lists the host's routes: " + api.routes, api.routes.size() >= 40);
        // a few routes every host has, so an empty or broken document cannot pass the sweep
        api.route("POST", "/v1/tasks");
        api.route("POST", "/v1/pairing/start");
        api.route("GET", "/v1/openapi.json");
        assertEquals("tls", api.route("POST", "/v1/pairing/confirm").listener());

        JsonBodies bodies = new JsonBodies(api, 9L, name -> null);
        String unknown = "owd_" + JsonBodies.base64Url(new SecureRandom(), 32);
        Map<Boolean, RawClient> clients = Map.of(false, new RawClient(host.httpPort, false, 10_000),
                true, new RawClient(host.lanPort, true, 10_000));
        List<String> failures = new ArrayList<>();
        Map<String, Integer> refusedBy = new LinkedHashMap<>();
        int probes = 0;
        int publicCombinations = 0;
        int hangs = 0;
        long started = System.nanoTime();
        for (ApiDocument.Route route : api.routes) {
            byte[] body = route.body() == null ? null
                    : JSON.writeValueAsBytes(bodies.plausible(route.body()));
            for (boolean tls : new boolean[] {false, true}) {
                RawClient client = clients.get(tls);
                for (Headers headers : Headers.values()) {
                    for (Credential credential : Credential.values()) {
                        if ((credential == Credential.ADMIN_ON_LAN && !tls)
                                || (credential == Credential.VALID && headers == Headers.PROPER)) {
                            continue;
                        }
                        Expected expected = expected(route, tls, credential, headers);
                        if (expected == null) {
                            publicCombinations++;
                            continue;
                        }
                        String authorization = authorization(credential, route, tls, unknown);
                        Map<String, String> head = new LinkedHashMap<>();
                        head.put("Host", (headers == Headers.FOREIGN_HOST ? "evil.example:" : "127.0.0.1:") + client.port());
                        if (headers == Headers.FOREIGN_ORIGIN) {
                            head.put("Origin", "http://evil.example");
                        } else if (headers == Headers.NULL_ORIGIN) {
                            head.put("Origin", "null");
                        }
                        if (authorization != null) {
                            head.put("Authorization", authorization);
                        }
                        if (body != null) {
                            head.put("Content-Type", "application/json");
                        }
                        RawClient.Response answer = client.send(route.method(), route.concretePath(), head, body);
                        probes++;
                        String what = route + (tls ? " over TLS" : " on loopback") + ", " + credential + ", " + headers;
                        if (answer.status() == -1) {
                            hangs++;
                        }
                        String problem = check(answer, expected, authorization);
                        if (problem != null) {
                            failures.add(what + ": " + problem);
                        } else {
                            refusedBy.merge(expected.status() + " " + expected.code(), 1, Integer::sum);
                        }
                    }
                }
            }
        }
        int optionsProbes = 0;
        for (String path : api.routes.stream().map(ApiDocument.Route::concretePath).collect(Collectors.toCollection(TreeSet::new))) {
            for (boolean tls : new boolean[] {false, true}) {
                RawClient client = clients.get(tls);
                RawClient.Response answer = client.send("OPTIONS", path, Map.of("Host", "127.0.0.1:" + client.port()), null);
                optionsProbes++;
                boolean refused = (answer.status() == 401 || answer.status() == 403) && answer.body().contains("\"code\"");
                if (!refused) {
                    failures.add("OPTIONS " + path + (tls ? " over TLS" : " on loopback") + " without a credential: "
                            + answer.status() + " " + answer.body());
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        int refused = probes + optionsProbes - failures.size();
        Proof.figure(SUITE, "operations in /v1/openapi.json", api.routes.size(), "");
        Proof.figure(SUITE, "requests sent (both listeners, 9 credentials x 4 header sets, OPTIONS)", probes + optionsProbes, "");
        Proof.figure(SUITE, "refused with the expected typed error", String.format(java.util.Locale.ROOT, "%d (%.2f%%)", refused,
                100.0 * refused / (probes + optionsProbes)), "100%");
        Proof.figure(SUITE, "refusals by status and code", refusedBy.toString(), "");
        Proof.figure(SUITE, "hangs (no answer in 10 s)", hangs, "0");
        Proof.figure(SUITE, "combinations not applicable (public route, proper headers)", publicCombinations, "");
        Proof.figure(SUITE, "duration", String.format(java.util.Locale.ROOT, "%.1f s", seconds), "");
        assertTrue(failures.size() + " of " + (probes + optionsProbes) + " requests were not refused as expected:\n"
                + String.join("\n", failures.subList(0, Math.min(40, failures.size()))), failures.isEmpty());
        assertEquals("the host is healthy after the sweep", 200, host.admin().http().get("/v1/health").status());
    }

    /** Null when the answer is the expected typed refusal, else what is wrong with it. */
    static String check(RawClient.Response answer, Expected expected, String authorization) {
        if (answer.status() != expected.status()) {
            return "expected " + expected.status() + ", got " + answer.status() + " " + shorten(answer.body());
        }
        String type = answer.header("Content-Type");
        if (type == null || !type.startsWith("application/json")) {
            return "not JSON: " + type + " " + shorten(answer.body());
        }
        JsonNode error;
        try {
            error = JSON.readTree(answer.body());
        } catch (IOException e) {
            return "not a JSON body: " + shorten(answer.body());
        }
        if (!expected.code().equals(error.path("code").asText()) || error.path("message").asText().isBlank()
                || error.path("action").asText().isBlank()) {
            return "not the typed error " + expected.code() + ": " + shorten(answer.body());
        }
        if (answer.header("Access-Control-Allow-Origin") != null || answer.header("Access-Control-Allow-Credentials") != null) {
            return "grants CORS: " + answer.headers();
        }
        if (authorization != null && authorization.length() > 12 && answer.body().contains(authorization.substring(7))) {
            return "echoes the credential";
        }
        return null;
    }

    private static String shorten(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    /** A request that Jetty refuses (or answers) by itself, and the statuses it may answer with. */
    record ProtocolProbe(String name, String request, Set<Integer> statuses) {
        ProtocolProbe(String name, String request, int status) {
            this(name, request, Set.of(status));
        }
    }

    static List<ProtocolProbe> protocolProbes(int port, String credential) {
        String host = "Host: 127.0.0.1:" + port + "\r\n";
        String auth = "Authorization: Bearer " + credential + "\r\n";
        return List.of(
                new ProtocolProbe("malformed request line", "GARBAGE\r\n\r\n", 400),
                new ProtocolProbe("header line without a colon", "GET /v1/health HTTP/1.1\r\n" + host + "NoColonHere\r\n\r\n", 400),
                new ProtocolProbe("20 KiB of headers",
                        "GET /v1/health HTTP/1.1\r\n" + host + "X-Big: " + "a".repeat(20 * 1024) + "\r\n\r\n", 431),
                // within the loopback listener's 16 KiB header buffer (no such route), over the TLS one's 8 KiB
                new ProtocolProbe("10 KiB URI", "GET /" + "a".repeat(10 * 1024) + " HTTP/1.1\r\n" + host
                        + "Connection: close\r\n\r\n", Set.of(404, 414)),
                new ProtocolProbe("HTTP/3.0 as version", "GET /v1/health HTTP/3.0\r\n" + host + "\r\n", 505),
                // a route that reads the body, with a valid credential, so the route itself meets the broken chunk
                new ProtocolProbe("bad Transfer-Encoding chunk", "POST /v1/tasks HTTP/1.1\r\n" + host + auth
                        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n{}\r\n0\r\n\r\n", 400),
                new ProtocolProbe("Transfer-Encoding other than chunked last", "POST /v1/tasks HTTP/1.1\r\n" + host + auth
                        + "Transfer-Encoding: chunked, gzip\r\n\r\n", 400),
                new ProtocolProbe("two Host headers", "GET /v1/health HTTP/1.1\r\n" + host + "Host: evil.example\r\n\r\n", 400),
                new ProtocolProbe("ambiguous path", "GET /v1/%2e%2e/health HTTP/1.1\r\n" + host + "\r\n", 400),
                new ProtocolProbe("Content-Length over 2 GiB", "POST /v1/tasks HTTP/1.1\r\n" + host + auth
                        + "Content-Type: application/json\r\nContent-Length: 99999999999\r\nConnection: close\r\n\r\n{}", 413),
                new ProtocolProbe("path outside the API", "GET /nothing-here HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n", 404),
                new ProtocolProbe("another API version", "GET /v2/x HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n", 404),
                new ProtocolProbe("wrong method", "DELETE /v1/health HTTP/1.1\r\n" + host + auth
                        + "Connection: close\r\n\r\n", 405),
                new ProtocolProbe("unknown method", "BREW /v1/health HTTP/1.1\r\n" + host + auth
                        + "Connection: close\r\n\r\n", 405));
    }

    /** Null when {@code answer} is a typed JSON error with one of the allowed statuses, else what is wrong. */
    static String checkProtocolAnswer(RawClient.Response answer, Set<Integer> statuses) {
        if (answer.status() == -1) {
            return "no answer, or the connection stayed open: " + shorten(answer.body());
        }
        if (!statuses.contains(answer.status())) {
            return "expected " + statuses + ", got " + answer.status() + " " + answer.headers() + " " + shorten(answer.body());
        }
        String type = answer.header("Content-Type");
        if (type == null || !type.startsWith("application/json")) {
            return "not JSON: " + type + " " + shorten(answer.body());
        }
        String lower = answer.body().toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("<html") || lower.contains("jetty") || lower.contains("exception") || lower.contains("\tat ")
                || String.valueOf(answer.headers()).toLowerCase(java.util.Locale.ROOT).contains("jetty")) {
            return "leaks HTML, the server's name or a stack trace: " + answer.headers() + " " + shorten(answer.body());
        }
        JsonNode error;
        try {
            error = JSON.readTree(answer.body());
        } catch (IOException e) {
            return "not a JSON body: " + shorten(answer.body());
        }
        String expectedCode = switch (answer.status()) {
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "payload_too_large";
            default -> "invalid_request";
        };
        if (!expectedCode.equals(error.path("code").asText()) || error.path("message").asText().isBlank()
                || error.path("action").asText().isBlank()) {
            return "not the typed error " + expectedCode + ": " + shorten(answer.body());
        }
        return null;
    }

    @Test
    public void protocolErrorsJettyAnswersByItselfAreTheTypedJsonErrorOnBothListeners() throws Exception {
        List<String> failures = new ArrayList<>();
        Map<String, Integer> answeredBy = new LinkedHashMap<>();
        int probes = 0;
        for (boolean tls : new boolean[] {false, true}) {
            RawClient client = new RawClient(tls ? host.lanPort : host.httpPort, tls, 10_000);
            String credential = tls ? adminDevice.credential() : adminCredential;
            for (ProtocolProbe probe : protocolProbes(client.port(), credential)) {
                RawClient.Response answer = client.sendRaw(probe.request().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                probes++;
                String problem = checkProtocolAnswer(answer, probe.statuses());
                if (problem != null) {
                    failures.add(probe.name() + (tls ? " over TLS" : " on loopback") + ": " + problem);
                } else {
                    answeredBy.merge(answer.status() + " " + JSON.readTree(answer.body()).path("code").asText(), 1, Integer::sum);
                }
            }
        }
        Proof.figure(SUITE, "protocol errors sent raw (both listeners)", probes, "");
        Proof.figure(SUITE, "protocol errors answered with the typed JSON error", probes - failures.size() + "/" + probes, "all");
        Proof.figure(SUITE, "protocol errors by status and code", answeredBy.toString(), "");
        assertTrue(failures.size() + " of " + probes + " protocol errors were not the typed JSON error:\n"
                + String.join("\n", failures), failures.isEmpty());
        assertEquals("the host is healthy after them", 200, host.admin().http().get("/v1/health").status());
    }

    @Test
    public void tls12ClientsAndClientsWithAnotherPinnedKeyAreRefused() throws Exception {
        int tls12Refused = 0;
        int attempts = 5;
        for (int i = 0; i < attempts; i++) {
            try (SSLSocket socket = (SSLSocket) Tls.recordingContext(new AtomicReference<>()).getSocketFactory().createSocket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", host.lanPort), 5000);
                socket.setSoTimeout(10_000);
                socket.setEnabledProtocols(new String[] {"TLSv1.2"});
                socket.startHandshake();
                fail("a TLS 1.2 handshake succeeded: " + socket.getSession().getProtocol());
            } catch (SSLException | java.net.SocketException refused) {
                tls12Refused++;
            }
        }
        // the same client speaking TLS 1.3 is served: the refusal above is about the version only
        try (SSLSocket socket = (SSLSocket) Tls.recordingContext(new AtomicReference<>()).getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", host.lanPort), 5000);
            socket.setEnabledProtocols(new String[] {"TLSv1.3"});
            socket.startHandshake();
            assertEquals("TLSv1.3", socket.getSession().getProtocol());
        }

        int pinRefused = 0;
        HostClient wrongPin = new HostClient(new HostAddress("127.0.0.1", host.lanPort), "00".repeat(32), adminDevice.credential());
        try {
            wrongPin.health();
            fail("a client with another pinned key talked to the host");
        } catch (HostClientException e) {
            assertEquals(e.getMessage(), HostClientException.Kind.HOST_KEY_MISMATCH, e.kind());
            pinRefused++;
        }
        try (InterceptingProxy proxy = InterceptingProxy.start(host.lanPort)) {
            HostClient intercepted = new HostClient(new HostAddress("127.0.0.1", proxy.port()), adminDevice.spkiSha256(),
                    adminDevice.credential());
            try {
                intercepted.health();
                fail("a client pinned to the host talked through an intercepting proxy");
            } catch (HostClientException e) {
                assertEquals(e.getMessage(), HostClientException.Kind.HOST_KEY_MISMATCH, e.kind());
                pinRefused++;
            }
        }
        // the right pin, directly: served (the refusals above are about the key only)
        assertTrue(HostClient.of(adminDevice).health().status() != null);
        Proof.figure(SUITE, "TLS 1.2 handshakes refused", tls12Refused + "/" + attempts, "all");
        Proof.figure(SUITE, "clients with another pinned key (wrong pin, intercepting proxy) that stopped before sending",
                pinRefused + "/2", "all");
    }

    @Test
    public void theDocumentIsItselfProtected() throws Exception {
        RawClient loopback = new RawClient(host.httpPort, false, 10_000);
        RawClient.Response anonymous = loopback.send("GET", "/v1/openapi.json", Map.of("Host", "127.0.0.1:" + host.httpPort), null);
        assertEquals(anonymous.body(), 401, anonymous.status());
        JsonNode document = host.admin().http().get("/v1/openapi.json").json();
        assertEquals("3.1.0", document.path("openapi").asText());
        assertTrue(document.path("paths").path("/v1/tasks").path("post").path("requestBody").isObject());
    }
}
