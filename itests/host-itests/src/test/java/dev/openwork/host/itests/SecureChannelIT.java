package dev.openwork.host.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openwork.host.api.devices.DeviceRegistry;
import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.discovery.DiscoveryControl;
import dev.openwork.host.api.discovery.DiscoveryMode;
import dev.openwork.host.api.identity.HostIdentity;
import dev.openwork.host.api.identity.LanEndpoint;
import dev.openwork.host.api.pairing.PairingService;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import javax.inject.Inject;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/**
 * The secure channel in a real Felix: TLS 1.3 only, Host and Origin allowlists, authentication and
 * scopes on every route, revocation closing live streams, and hostile pairing payloads.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SecureChannelIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Every authenticated route, with a body where it takes one. */
    private static final String[][] ROUTES = {
        {"GET", "/v1/health", null},
        {"POST", "/v1/health/run", "{\"checks\":[\"storage\"]}"},
        {"GET", "/v1/devices", null},
        {"GET", "/v1/devices/dev_000000000000", null},
        {"PUT", "/v1/devices/dev_000000000000/scopes", "{\"scopes\":[\"status:read\"]}"},
        {"DELETE", "/v1/devices/dev_000000000000", null},
        {"POST", "/v1/pairing/window", "{\"minutes\":1}"},
        {"GET", "/v1/pairing/window", null},
        {"DELETE", "/v1/pairing/window", null},
        {"GET", "/v1/pairing/window/qr.svg", null},
        {"GET", "/v1/pairing/window/qr.png", null},
        {"GET", "/v1/pairing/pending", null},
        {"POST", "/v1/pairing/pending/pair_x/approve", "{\"scopes\":[]}"},
        {"POST", "/v1/pairing/pending/pair_x/deny", null},
        {"GET", "/v1/pairing/caps", null},
        {"POST", "/v1/pairing/caps/reset", null},
        {"GET", "/v1/events", null},
        {"GET", "/v1/discovery", null},
        {"PUT", "/v1/discovery", "{\"mode\":\"manual\"}"},
        {"GET", "/v1/discovery/qr.svg", null},
        {"GET", "/v1/permissions", null},
        {"POST", "/v1/permissions/perm_x/reply", "{\"taskId\":\"t\",\"callId\":\"c\",\"argsHash\":\"h\",\"nonce\":\"n\",\"reply\":\"once\"}"},
        {"GET", "/v1/permissions/rules", null},
        {"DELETE", "/v1/permissions/rules/rule_x", null},
        {"GET", "/v1/audit", null},
        {"GET", "/opencode/event", null},
        {"GET", "/opencode/session", null},
        {"POST", "/opencode/session", "{}"},
        {"POST", "/opencode/session/ses_x/message", "{\"parts\":[]}"},
        {"POST", "/opencode/session/ses_x/shell", "{\"command\":\"true\"}"},
        {"GET", "/opencode/permission", null},
        {"POST", "/opencode/permission/per_x/reply", "{\"reply\":\"once\"}"},
    };

    @org.junit.Rule
    public org.junit.rules.Timeout deadline = org.junit.rules.Timeout.seconds(120);

    @Inject
    private BundleContext context;
    @Inject
    private HostIdentity identity;
    @Inject
    private DeviceRegistry devices;
    @Inject
    private PairingService pairing;
    @Inject
    private dev.openwork.host.api.auth.AdminAccess adminAccess;
    @Inject
    private DiscoveryControl discovery;
    @Inject
    private CommandProcessor commands;

    @Configuration
    public Option[] configuration() {
        return new Option[] {HostDistribution.host("core", "rest", "console", "discovery")};
    }

    private int httpPort() {
        return Integer.parseInt(context.getProperty(HostDistribution.HTTP_PORT));
    }

    private LanEndpoint tlsEndpoint() {
        return Conditions.await("the TLS listener on 127.0.0.1", Duration.ofSeconds(30),
                () -> identity.endpoints().isEmpty() ? null : identity.endpoints().get(0));
    }

    private HttpClient tlsClient(AtomicReference<String> spkiSeen) {
        return HttpClient.newBuilder().sslContext(Tls.recordingContext(spkiSeen)).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private HttpResponse<String> call(boolean tls, String method, String path, String body, String authorization)
            throws Exception {
        String base = tls ? "https://127.0.0.1:" + tlsEndpoint().port() : "http://127.0.0.1:" + httpPort();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpClient client = tls ? tlsClient(new AtomicReference<>()) : HttpClient.newHttpClient();
        if (path.equals("/v1/events")) {
            // a stream that would stay open: its status line is all this test needs
            HttpResponse<InputStream> streamed = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            String text = streamed.statusCode() == 200 ? "" : new String(streamed.body().readAllBytes(), StandardCharsets.UTF_8);
            streamed.body().close();
            return new FixedResponse(streamed, text);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void awaitApi() {
        String admin = Http.adminCredential(Path.of(context.getProperty("openwork.host.data")));
        Conditions.await("the API to answer", Duration.ofSeconds(30), () -> {
            try {
                return call(false, "GET", "/v1/health", null, "Bearer " + admin).statusCode() == 200 ? true : null;
            } catch (Exception e) {
                return null;
            }
        });
        tlsEndpoint();
    }

    @Test
    public void tls13ServesTheHostKeyAndTls12IsRefused() throws Exception {
        awaitApi();
        AtomicReference<String> spkiSeen = new AtomicReference<>();
        HttpResponse<String> answer = tlsClient(spkiSeen).send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + tlsEndpoint().port() + "/v1/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, answer.statusCode());
        assertEquals("the TLS listener presents the host key", identity.spkiSha256(), spkiSeen.get());
        assertEquals("TLSv1.3", answer.sslSession().orElseThrow().getProtocol());

        try (SSLSocket socket = (SSLSocket) Tls.recordingContext(new AtomicReference<>()).getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", tlsEndpoint().port()), 5000);
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.startHandshake();
            fail("a TLS 1.2 handshake succeeded");
        } catch (SSLHandshakeException expected) {
            // refused: the listener speaks TLS 1.3 only
        }
    }

    @Test
    public void foreignHostHeadersAndOriginsAreRefusedWithTheTypedError() throws Exception {
        awaitApi();
        String admin = "Authorization: Bearer " + Http.adminCredential(Path.of(context.getProperty("openwork.host.data")));
        for (boolean tls : new boolean[] {false, true}) {
            int port = tls ? tlsEndpoint().port() : httpPort();
            String foreignHost = RawHttp.exchange(port, tls, "GET /v1/health HTTP/1.1\r\nHost: evil.example:" + port + "\r\n" + admin);
            assertEquals(foreignHost, 400, RawHttp.status(foreignHost));
            assertTrue(foreignHost, foreignHost.contains("\"code\":\"invalid_request\"") && foreignHost.contains("Host header"));
            String rebinding = RawHttp.exchange(port, tls, "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1:" + (port + 1) + "\r\n" + admin);
            assertEquals("a Host with another port is foreign too", 400, RawHttp.status(rebinding));
            String scheme = tls ? "https" : "http";
            for (String origin : new String[] {"null", "http://evil.example", scheme + "://evil.example:" + port,
                    (tls ? "http" : "https") + "://127.0.0.1:" + port}) {
                String response = RawHttp.exchange(port, tls,
                        "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nOrigin: " + origin + "\r\n" + admin);
                assertEquals(origin + ": " + response, 403, RawHttp.status(response));
                assertTrue(response, response.contains("\"code\":\"forbidden\""));
                assertFalse("no CORS grant", response.toLowerCase().contains("access-control-allow-origin"));
            }
            String credentialInUrl = RawHttp.exchange(port, tls, "GET /v1/health?token=abc HTTP/1.1\r\nHost: 127.0.0.1:" + port);
            assertEquals(400, RawHttp.status(credentialInUrl));
        }
        String sameOrigin = RawHttp.exchange(httpPort(), false, "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1:" + httpPort()
                + "\r\nOrigin: http://127.0.0.1:" + httpPort() + "\r\n" + admin);
        assertEquals(sameOrigin, 200, RawHttp.status(sameOrigin));
    }

    @Test
    public void everyRouteRefusesMissingMalformedUnknownRevokedAndForeignCredentials() throws Exception {
        awaitApi();
        DeviceRegistry.Registration revoked = devices.register("revoked phone", "ios", Set.of(Scopes.ADMIN));
        devices.revoke(revoked.device().id());
        DeviceRegistry.Registration narrow = devices.register("status only", "cli", Set.of(Scopes.STATUS_READ));
        String admin = Http.adminCredential(Path.of(context.getProperty("openwork.host.data")));
        List<String> failures = new ArrayList<>();
        String[] badCredentials = {null, "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer owd_unknownunknownunknownunknownunknown0",
                "Bearer " + "x".repeat(5000), "Bearer " + revoked.credential()};
        for (String[] route : ROUTES) {
            for (boolean tls : new boolean[] {false, true}) {
                for (String credential : badCredentials) {
                    expect(failures, 401, tls, route, credential);
                }
            }
            // the admin credential counts on the loopback listener only
            expect(failures, 401, true, route, "Bearer " + admin);
            boolean statusReadSuffices = route[1].startsWith("/v1/health") || route[1].equals("/v1/events")
                    || (route[0].equals("GET") && route[1].startsWith("/v1/discovery"));
            if (!statusReadSuffices) {
                expect(failures, 403, true, route, "Bearer " + narrow.credential());
            }
        }
        assertTrue(String.join("\n", failures), failures.isEmpty());
        devices.revoke(narrow.device().id());
    }

    private void expect(List<String> failures, int status, boolean tls, String[] route, String authorization) throws Exception {
        HttpResponse<String> answer = call(tls, route[0], route[1], route[2], authorization);
        String what = route[0] + " " + route[1] + (tls ? " over TLS" : " on loopback") + " with "
                + (authorization == null ? "no credential" : authorization.substring(0, Math.min(20, authorization.length())));
        if (answer.statusCode() != status) {
            failures.add(what + ": expected " + status + ", got " + answer.statusCode() + " " + answer.body());
            return;
        }
        JsonNode error = JSON.readTree(answer.body());
        String code = status == 401 ? "unauthenticated" : "forbidden";
        if (!code.equals(error.path("code").asText()) || error.path("action").asText().isEmpty()) {
            failures.add(what + ": not the typed error: " + answer.body());
        }
    }

    @Test
    public void revokingADeviceClosesItsLiveStreamWithinOneSecond() throws Exception {
        awaitApi();
        DeviceRegistry.Registration phone = devices.register("streaming phone", "android", Set.of(Scopes.STATUS_READ));
        HttpResponse<InputStream> stream = tlsClient(new AtomicReference<>()).send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + tlsEndpoint().port() + "/v1/events"))
                .header("Authorization", "Bearer " + phone.credential()).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        InputStream events = stream.body();
        StringBuilder received = new StringBuilder();
        while (!received.toString().matches("(?s).*event: ?hello.*")) {
            int b = events.read();
            assertTrue("the stream opened with a hello event: " + received, b >= 0);
            received.append((char) b);
        }
        long revokedAt = System.nanoTime();
        assertTrue(devices.revoke(phone.device().id()));
        byte[] buffer = new byte[4096];
        while (events.read(buffer) >= 0) {
            // drain until the host closes the stream
        }
        long millis = Duration.ofNanos(System.nanoTime() - revokedAt).toMillis();
        assertTrue("the stream closed " + millis + " ms after revocation", millis <= 1000);
        assertEquals(401, call(true, "GET", "/v1/health", null, "Bearer " + phone.credential()).statusCode());
    }

    @Test
    public void discoverySwapsAtRuntimeWithoutDroppingAConnectedClient() throws Exception {
        awaitApi();
        String admin = "Bearer " + Http.adminCredential(Path.of(context.getProperty("openwork.host.data")));
        DeviceRegistry.Registration phone = devices.register("swapping phone", "android",
                Set.of(Scopes.STATUS_READ, Scopes.TASKS_RUN, Scopes.TASKS_READ, Scopes.RUNTIME_ANY, Scopes.WORKSPACE_ANY));
        HttpResponse<InputStream> stream = tlsClient(new AtomicReference<>()).send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + tlsEndpoint().port() + "/v1/events"))
                .header("Authorization", "Bearer " + phone.credential()).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        InputStream events = stream.body();
        readUntil(events, "event: ?hello");

        // the test framework starts with manual discovery: the listener's own address as a connect link
        JsonNode manual = JSON.readTree(call(true, "GET", "/v1/discovery", null, "Bearer " + phone.credential()).body());
        assertEquals(manual.toString(), "manual", manual.path("mode").asText());
        assertTrue(manual.toString(), manual.path("working").asBoolean());
        assertEquals("openwork-host://127.0.0.1:" + tlsEndpoint().port() + "?fp=" + identity.spkiSha256(),
                manual.path("connectLinks").get(0).asText());
        HttpResponse<String> qr = call(true, "GET", "/v1/discovery/qr.svg", null, "Bearer " + phone.credential());
        assertTrue(qr.body(), qr.statusCode() == 200 && qr.body().startsWith("<svg"));
        assertEquals("a device may not switch discovery", 403,
                call(true, "PUT", "/v1/discovery", "{\"mode\":\"mdns\"}", "Bearer " + phone.credential()).statusCode());

        // console: to mDNS, which finds no multicast-capable interface on loopback and says what to do
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        CommandSession session = commands.createSession(new ByteArrayInputStream(new byte[0]), print, print);
        try {
            String used = String.valueOf(session.execute("discovery:use mdns"));
            assertTrue(used, used.contains("Discovery mode is now mdns"));
            assertEquals(DiscoveryMode.MDNS, discovery.configuredMode());
            JsonNode check = Conditions.await("the discovery check to report mDNS", Duration.ofSeconds(20), () -> {
                try {
                    JsonNode health = JSON.readTree(call(false, "GET", "/v1/health", null, admin).body());
                    for (JsonNode c : health.path("checks")) {
                        if (c.path("name").asText().equals("discovery") && c.path("details").path("mode").asText().equals("mdns")
                                && c.path("cause").asText().contains("multicast")) {
                            return c;
                        }
                    }
                    return null;
                } catch (Exception e) {
                    return null;
                }
            });
            assertEquals(check.toString(), "WARNING", check.path("status").asText());
            assertTrue(check.toString(), check.path("action").asText().contains("discovery:use manual"));
            assertEquals(check.toString(), "[\"restart-mdns-discovery\",\"use-manual-discovery\"]",
                    check.path("actions").toString());
            HttpResponse<String> restarted = call(false, "POST", "/v1/health/actions/restart-mdns-discovery", null, admin);
            assertEquals(restarted.body(), 200, restarted.statusCode());
            assertTrue(restarted.body(), restarted.body().contains("mDNS discovery restarted"));
            String status = String.valueOf(session.execute("discovery:status"));
            assertTrue(status, status.contains("mdns (NOT working)"));
            assertTrue(String.valueOf(session.execute("discovery:use sideways")).contains("Unknown discovery mode"));
        } finally {
            session.close();
        }

        // API: back to manual; a bad mode is a typed 400
        HttpResponse<String> bad = call(false, "PUT", "/v1/discovery", "{\"mode\":\"carrier-pigeon\"}", admin);
        assertEquals(bad.body(), 400, bad.statusCode());
        assertTrue(bad.body(), bad.body().contains("invalid_request"));
        HttpResponse<String> action = call(false, "POST", "/v1/health/actions/use-manual-discovery", null, admin);
        assertEquals(action.body(), 200, action.statusCode());
        assertEquals(DiscoveryMode.MANUAL, discovery.configuredMode());
        HttpResponse<String> back = call(false, "PUT", "/v1/discovery", "{\"mode\":\"manual\"}", admin);
        assertEquals(back.body(), 200, back.statusCode());
        assertTrue(back.body(), JSON.readTree(back.body()).path("working").asBoolean());

        // the client never noticed: its stream still delivers, here the events of a task it runs now
        String workspace = java.nio.file.Files.createTempDirectory("openwork-swap-").toRealPath().toString();
        String task = "{\"runtime\":\"shell\",\"workspace\":\"" + workspace
                + "\",\"steps\":[{\"tool\":\"bash\",\"command\":\"echo still-connected\"}]}";
        HttpResponse<String> submitted = call(true, "POST", "/v1/tasks", task, "Bearer " + phone.credential());
        assertEquals(submitted.body(), 201, submitted.statusCode());
        readUntil(events, "still-connected");
        events.close();
    }

    private static void readUntil(InputStream events, String pattern) throws IOException {
        StringBuilder received = new StringBuilder();
        java.util.regex.Pattern wanted = java.util.regex.Pattern.compile(pattern);
        while (!wanted.matcher(received).find()) {
            int b = events.read();
            assertTrue("the stream ended before " + pattern + ": " + received, b >= 0);
            received.append((char) b);
        }
    }

    @Test
    public void aLoginLinkBecomesAnHttpOnlyStrictSessionOnLoopbackOnly() throws Exception {
        awaitApi();
        String code = adminAccess.issueLoginCode(Duration.ofMinutes(2));
        assertEquals("a login code is refused over the LAN", 403,
                call(true, "POST", "/v1/session", "{\"code\":\"" + code + "\"}", null).statusCode());
        HttpResponse<String> login = call(false, "POST", "/v1/session", "{\"code\":\"" + code + "\"}", null);
        assertEquals(login.body(), 204, login.statusCode());
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie, cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
        String session = cookie.substring(0, cookie.indexOf(';'));
        HttpResponse<String> withCookie = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort() + "/v1/health")).header("Cookie", session).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(withCookie.body(), 200, withCookie.statusCode());
        assertEquals("a login code works once", 401,
                call(false, "POST", "/v1/session", "{\"code\":\"" + code + "\"}", null).statusCode());
        assertEquals(401, call(false, "POST", "/v1/session", "{\"code\":\"made-up\"}", null).statusCode());
    }

    @Test
    public void pairingRoutesNeedTlsAndHostilePayloadsGet4xx() throws Exception {
        awaitApi();
        assertEquals(403, call(false, "POST", "/v1/pairing/start", "{}", null).statusCode());
        pairing.open(Duration.ofMinutes(5), Set.of(), null);
        String point = "BA" + "A".repeat(85);
        List<String> bodies = List.of("", "{", "[]", "null", "{\"clientId\":7}", "{\"unknown\":1}",
                "{\"clientId\":\"" + "a".repeat(262_200) + "\"}",
                "{\"clientId\":\"abcdefgh\",\"deviceName\":\"x\",\"platform\":\"cli\",\"requestedScopes\":[],"
                        + "\"clientKey\":\"AAAA\",\"round1\":null}",
                "{\"clientId\":\"abcdefgh\",\"deviceName\":\"x\",\"platform\":\"cli\",\"requestedScopes\":[],"
                        + "\"clientKey\":\"" + "A".repeat(43) + "\",\"round1\":{\"participantId\":\"client:abcdefgh\",\"gx1\":\""
                        + point + "\",\"gx2\":\"" + point + "\",\"zkpX1\":{\"v\":\"" + point + "\",\"r\":\"zz\"},"
                        + "\"zkpX2\":{\"v\":\"%%%\",\"r\":\"1\"}}}",
                "{\"pairingId\":\"x\"}");
        int port = tlsEndpoint().port();
        for (String body : bodies) {
            for (String path : new String[] {"/v1/pairing/start", "/v1/pairing/confirm"}) {
                String answer = RawHttp.exchange(port, true, "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                        + "\r\nContent-Type: application/json", body.getBytes(StandardCharsets.UTF_8));
                int status = RawHttp.status(answer);
                assertTrue(path + " " + body.substring(0, Math.min(60, body.length())) + " -> " + answer,
                        status >= 400 && status < 500 && answer.contains("\"code\""));
            }
        }
        // refused from its Content-Length, before the body is read
        String oversized = RawHttp.exchange(port, true, "POST /v1/pairing/start HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\nExpect: 100-continue");
        assertEquals(oversized, 413, RawHttp.status(oversized));
        assertTrue(oversized, oversized.contains("payload_too_large"));
        HttpResponse<String> badWait = call(true, "GET", "/v1/pairing/pair_x/result?wait=99999", null, null);
        assertEquals(400, badWait.statusCode());
        pairing.resetCaps();
        pairing.close();
    }

    /** A streamed response reduced to its status and the text read so far. */
    private record FixedResponse(HttpResponse<InputStream> delegate, String text) implements HttpResponse<String> {
        @Override
        public int statusCode() {
            return delegate.statusCode();
        }

        @Override
        public HttpRequest request() {
            return delegate.request();
        }

        @Override
        public java.util.Optional<HttpResponse<String>> previousResponse() {
            return java.util.Optional.empty();
        }

        @Override
        public java.net.http.HttpHeaders headers() {
            return delegate.headers();
        }

        @Override
        public String body() {
            return text;
        }

        @Override
        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
            return delegate.sslSession();
        }

        @Override
        public URI uri() {
            return delegate.uri();
        }

        @Override
        public HttpClient.Version version() {
            return delegate.version();
        }
    }

    static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
