package dev.openwork.host.client.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.openwork.host.client.CredentialStore;
import dev.openwork.host.client.FakeHostServer;
import dev.openwork.host.client.KnownHost;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class OwctlTest {

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private static FakeHostServer fake;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Deque<String> answers = new ArrayDeque<>();
    private final Map<String, String> env = new HashMap<>();
    private boolean interactive;
    private Path config;

    @BeforeClass
    public static void startHost() throws Exception {
        fake = new FakeHostServer();
    }

    @AfterClass
    public static void stopHost() {
        fake.close();
    }

    @Before
    public void setUp() throws IOException {
        fake.reset();
        fake.pendingPolls = 1;
        config = temp.getRoot().toPath().resolve("config");
        env.put("OWCTL_CONFIG_DIR", config.toString());
        env.put("USER", "tester");
        env.put("HOSTNAME", "box");
    }

    private int run(String... args) {
        Owctl.Prompt prompt = new Owctl.Prompt() {
            @Override
            public String readLine(String question) {
                return answers.poll();
            }

            @Override
            public boolean interactive() {
                return interactive;
            }
        };
        return new Owctl(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                prompt, env, null).run(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    public void usageErrorsExitWith2() {
        assertEquals(2, run());
        assertTrue(err().contains("Usage: owctl"));
        assertEquals(2, run("frobnicate"));
        assertEquals(2, run("pair", "10.0.0.1", "10.0.0.2"));
        assertEquals(2, run("pair", "--timeout", "0"));
        assertEquals(2, run("discover", "extra"));
        assertEquals(2, run("pair", "10.0.0.1", "--code", "123"));
        assertEquals(2, run("pair", "not an address"));
        assertEquals(2, run("admin", "pairing-open", "--minutes", "9"));
        assertEquals(2, run("admin", "nope"));
        assertEquals(2, run("hosts", "--bogus"));
        assertEquals(0, run("help"));
        assertTrue(out().contains("admin pairing-open"));
    }

    @Test
    public void pairsShowingEachStepThenListsChecksAndForgetsTheHost() {
        String link = "openwork-host://" + fake.address().authority() + "?fp=" + fake.identity.spkiSha256() + "&code=48213077";
        assertEquals(err(), 0, run("pair", link, "--name", "ci laptop"));
        String text = out();
        String fp = fake.identity.spkiSha256();
        assertTrue(text, text.contains("Host key fingerprint: " + fp.substring(0, 4) + " " + fp.substring(4, 8) + " "));
        assertTrue(text, text.contains("It matches the fingerprint in the link."));
        assertTrue(text, text.contains("Host: Test Host (id 0123456789abcdef)"));
        assertTrue(text, text.contains("Verifying code..."));
        assertTrue(text, text.contains("Waiting for approval on the host (approve with pairing:approve pair_1_x in the host console"));
        assertTrue(text, text.contains("Paired with Test Host as device dev_1."));

        KnownHost stored = new CredentialStore(config).list().get(0);
        assertEquals("credential-0123456789abcdef-XYZ", stored.credential());
        assertEquals(fp, stored.spkiSha256());

        out.reset();
        assertEquals(0, run("hosts"));
        assertTrue(out().contains("Test Host (0123456789abcdef)"));
        assertTrue(out().contains("device       dev_1"));
        assertFalse("the credential is never printed", out().contains("credential-0123456789abcdef-XYZ"));

        out.reset();
        assertEquals(0, run("forget", "test host"));
        assertTrue(out().contains("Forgot Test Host"));
        assertTrue(out().contains("owctl admin revoke dev_1"));
        assertTrue(new CredentialStore(config).list().isEmpty());
        assertEquals(2, run("forget", "test host"));
    }

    @Test
    public void asksForTheCodeAndAgainAfterAWrongOne() {
        interactive = true;
        fake.nextCodes.add("55556666"); // the host's new code after the failure
        answers.add("1111 2222");
        answers.add("5555-6666");
        assertEquals(err(), 0, run("pair", fake.address().authority()));
        assertTrue(out().contains("Check that it matches the fingerprint the host shows"));
        assertTrue(err(), err().contains("The code was wrong; the host showed a new code: type that one."));
        assertTrue(out().contains("Paired with Test Host"));
    }

    @Test
    public void wrongCodeWithoutATerminalFails() {
        assertEquals(1, run("pair", fake.address().authority(), "--code", "11112222"));
        assertTrue(err().contains("The code was wrong; the host showed a new code: type that one."));
        assertTrue(err().contains("What to do: "));
    }

    @Test
    public void noWindowAndNothingListening() throws IOException {
        fake.startMode = "forbidden";
        assertEquals(1, run("pair", fake.address().authority(), "--code", "48213077"));
        assertTrue(err(), err().contains("No pairing window is open on the host: open one with pairing:open on the host console"));
        err.reset();
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        assertEquals(1, run("pair", "127.0.0.1:" + port, "--code", "48213077"));
        assertTrue(err(), err().contains("Nothing answers at 127.0.0.1:" + port
                + ": is the host running? is the port right (default 4748)?"));
    }

    @Test
    public void statusOfAHostWithAnotherKeyReportsInterception() throws Exception {
        new CredentialStore(config).save(new KnownHost("0123456789abcdef", "Test Host", "127.0.0.1", fake.address().port(),
                "ab".repeat(32), "dev_1", "credential-0123456789", List.of(), Instant.now()));
        assertEquals(1, run("status"));
        assertTrue(err(), err().contains("the host's key changed or someone is intercepting"));
        assertEquals(2, run("status", "unknown-host"));
    }

    // ---- admin ----

    private final List<String> adminRequests = new CopyOnWriteArrayList<>();

    private HttpServer adminServer(String token) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String key = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
            adminRequests.add(key + (body.isEmpty() ? "" : " " + body));
            String answer;
            int status = 200;
            if (!("Bearer " + token).equals(auth)) {
                status = 401;
                answer = "{\"code\":\"unauthenticated\",\"message\":\"Unknown credential.\",\"action\":null}";
            } else if (key.equals("POST /v1/pairing/window")) {
                answer = "{\"code\":\"48213077\",\"openedAt\":\"2026-01-01T00:00:00Z\",\"closesAt\":\"2026-01-01T00:05:00Z\","
                        + "\"preApprovedScopes\":[],\"nameHint\":null,\"connectLink\":\"openwork-host://10.0.0.5:4748?fp="
                        + "ab".repeat(32) + "&code=48213077\",\"failuresThisWindow\":0}";
            } else if (key.equals("GET /v1/pairing/pending")) {
                answer = "[{\"pairingId\":\"pair_9\",\"deviceName\":\"phone\",\"platform\":\"ios\","
                        + "\"requestedScopes\":[\"status:read\"],\"address\":\"10.0.0.7\",\"since\":\"2026-01-01T00:01:00Z\"}]";
            } else if (key.equals("GET /v1/devices")) {
                answer = "[{\"id\":\"dev_1\",\"name\":\"phone\",\"platform\":\"ios\",\"scopes\":[\"tasks:run\",\"status:read\"],"
                        + "\"pairedAt\":\"2026-01-01T00:02:00Z\",\"lastSeenAt\":null,\"lastAddress\":null}]";
            } else if (key.equals("POST /v1/session/link")) {
                answer = "{\"link\":\"http://127.0.0.1:4747/#login=one-time-code\",\"expiresAt\":\"2026-01-01T00:02:00Z\"}";
            } else if (key.equals("POST /v1/pairing/pending/nope/approve")) {
                status = 404;
                answer = "{\"code\":\"not_found\",\"message\":\"No device waits for approval under nope.\",\"action\":\"List them.\"}";
            } else {
                status = 204;
                answer = "";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        server.start();
        return server;
    }

    private Path dataWithToken(String token) throws IOException {
        Path data = temp.newFolder("data").toPath();
        Files.createDirectories(data.resolve("admin"));
        Files.writeString(data.resolve("admin/admin.token"), token + "\n");
        return data;
    }

    @Test
    public void adminCommandsTalkToTheLocalListener() throws Exception {
        Path data = dataWithToken("admin-secret-123");
        HttpServer server = adminServer("admin-secret-123");
        try {
            String port = String.valueOf(server.getAddress().getPort());
            assertEquals(err(), 0, run("admin", "pairing-open", "--minutes", "3", "--data", data.toString(), "--port", port));
            assertTrue(out(), out().contains("Code:          4821 3077"));
            assertTrue(out(), out().contains("openwork-host://10.0.0.5:4748?fp="));
            assertEquals("POST /v1/pairing/window {\"minutes\":3,\"scopes\":[]}", adminRequests.get(0));

            env.put("OPENWORK_HOST_DATA", data.toString());
            env.put("OPENWORK_HOST_PORT", port);
            assertEquals(0, run("admin", "pending"));
            assertTrue(out(), out().contains("pair_9") && out().contains("phone"));
            assertEquals(0, run("admin", "approve", "pair_9", "--scopes", "status:read,tasks:run"));
            assertEquals("POST /v1/pairing/pending/pair_9/approve {\"scopes\":[\"status:read\",\"tasks:run\"]}",
                    adminRequests.get(2));
            assertEquals(0, run("admin", "deny", "pair_9"));
            assertEquals("POST /v1/pairing/pending/pair_9/deny", adminRequests.get(3));
            assertEquals(0, run("admin", "devices"));
            assertTrue(out(), out().contains("dev_1") && out().contains("status:read,tasks:run"));
            assertEquals(0, run("admin", "revoke", "dev_1"));
            assertEquals("DELETE /v1/devices/dev_1", adminRequests.get(5));
            assertEquals(1, run("admin", "approve", "nope"));
            assertTrue(err(), err().contains("No device waits for approval under nope."));
            assertEquals(err(), 0, run("admin", "login"));
            assertTrue(out(), out().contains("http://127.0.0.1:4747/#login=one-time-code") && out().contains("works once"));
            assertEquals("POST /v1/session/link", adminRequests.get(adminRequests.size() - 1));
        } finally {
            server.stop(0);
        }
    }

    @Test
    public void adminFailuresSayWhatToDo() throws Exception {
        Path data = dataWithToken("stale-token");
        HttpServer server = adminServer("admin-secret-123");
        try {
            String port = String.valueOf(server.getAddress().getPort());
            assertEquals(1, run("admin", "devices", "--data", data.toString(), "--port", port));
            assertTrue(err(), err().contains("does not accept the admin credential"));
        } finally {
            server.stop(0);
        }
        err.reset();
        assertEquals(1, run("admin", "pending", "--data", temp.getRoot().toPath().resolve("nowhere").toString()));
        assertTrue(err(), err().contains("There is no admin credential at"));
        err.reset();
        assertEquals(2, run("admin", "pending"));
        assertTrue(err(), err().contains("--data DIR"));
    }
}
