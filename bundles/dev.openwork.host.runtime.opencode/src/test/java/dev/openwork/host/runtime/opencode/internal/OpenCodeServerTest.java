package dev.openwork.host.runtime.opencode.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The supervisor against a stand-in for {@code opencode serve}: a small Python server that checks
 * the Basic password from its environment, answers {@code /global/health}, and starts a child that
 * would outlive it.
 */
public class OpenCodeServerTest {

    private static final String FAKE = """
            #!/usr/bin/env python3
            import base64, os, subprocess, sys, json
            from http.server import BaseHTTPRequestHandler, HTTPServer
            args = sys.argv[1:]
            assert args[0] == "serve" and args[args.index("--hostname") + 1] == "127.0.0.1"
            port = int(args[args.index("--port") + 1])
            expected = "Basic " + base64.b64encode(("opencode:" + os.environ["OPENCODE_SERVER_PASSWORD"]).encode()).decode()
            subprocess.Popen(["sleep", "300"])
            with open(os.environ["HOME"] + "/started", "a") as f:
                f.write(os.environ.get("XDG_CONFIG_HOME", "") + "\\n")
            class Handler(BaseHTTPRequestHandler):
                def log_message(self, *a): pass
                def do_GET(self):
                    if self.headers.get("Authorization") != expected:
                        self.send_response(401); self.end_headers(); return
                    body = json.dumps({"healthy": True, "version": "0.0.test"}).encode()
                    self.send_response(200); self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
            print("opencode server listening on http://127.0.0.1:%d" % port, flush=True)
            HTTPServer(("127.0.0.1", port), Handler).serve_forever()
            """;

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final List<String> told = new CopyOnWriteArrayList<>();
    private OpenCodeServer server;
    private OpenCodeEnvironment.Directories dirs;

    @Before
    public void setUp() throws Exception {
        assumeTrue("python3 is needed for the stand-in server", Files.isExecutable(Path.of("/usr/bin/python3")));
        dirs = OpenCodeEnvironment.Directories.under(folder.newFolder("opencode").toPath());
    }

    @After
    public void tearDown() {
        if (server != null) {
            server.close();
        }
        scheduler.shutdownNow();
    }

    private OpenCodeServer server(String binary) {
        OpenCodeServer.Listener listener = new OpenCodeServer.Listener() {
            @Override
            public void started(Connection connection) {
                told.add("started " + connection.version());
            }

            @Override
            public void stopped(Connection connection, String cause, boolean crashed) {
                told.add((crashed ? "crashed " : "stopped ") + cause);
            }
        };
        server = new OpenCodeServer(OpenCodeEnvironmentTest.settings(binary, List.of()), dirs, listener, scheduler,
                new OpenCodeHttp(OpenCodeHttp.newClient()), () -> Map.of("PATH", System.getenv("PATH")), Clock.systemUTC());
        return server;
    }

    @Test
    public void aMissingExecutableIsAStateThatSaysHowToInstall() throws Exception {
        OpenCodeServer missing = server(folder.getRoot().toPath().resolve("no-such-opencode").toString());
        missing.start();
        PermissionBridgeTest.await(() -> missing.status().phase() == OpenCodeServer.Phase.MISSING);
        assertTrue(missing.status().cause(), missing.status().cause().contains("not installed"));
        assertTrue(missing.status().action().contains("npm install -g opencode-ai"));
        assertTrue(missing.awaitRunning(Duration.ofSeconds(1)).isEmpty());
    }

    @Test
    public void itStartsWithItsOwnStateRestartsAfterACrashAndStopsWithEverythingItStarted() throws Exception {
        Path fake = folder.newFolder("bin").toPath().resolve("opencode");
        Files.writeString(fake, FAKE);
        fake.toFile().setExecutable(true);
        OpenCodeServer supervised = server(fake.toString());
        supervised.start();
        Connection first = supervised.awaitRunning(Duration.ofSeconds(20)).orElseThrow(() ->
                new AssertionError(supervised.status().toString()));
        assertEquals("0.0.test", first.version());
        assertFalse(first.toString().contains(first.authorization()));
        assertEquals(dirs.config() + "\n", Files.readString(dirs.home().resolve("started")));
        assertEquals(List.of("started 0.0.test"), told);
        ProcessHandle process = ProcessHandle.of(first.pid()).orElseThrow();
        ProcessHandle child = Orphans.marked(markerOf(first)).stream().filter(p -> p.pid() != first.pid()).findFirst().orElseThrow();

        process.destroyForcibly();
        PermissionBridgeTest.await(() -> supervised.status().restarts() == 1);
        PermissionBridgeTest.await(() -> !child.isAlive());
        Connection second = supervised.awaitRunning(Duration.ofSeconds(20)).orElseThrow();
        assertTrue(second.generation() > first.generation());
        assertTrue("a new password per start", !second.authorization().equals(first.authorization()));
        assertEquals(137, (int) supervised.status().lastExitCode());
        assertTrue(told.toString(), told.get(1).startsWith("crashed OpenCode stopped unexpectedly (exit code 137)"));

        ProcessHandle secondProcess = ProcessHandle.of(second.pid()).orElseThrow();
        String secondMarker = markerOf(second);
        supervised.close();
        assertFalse(secondProcess.isAlive());
        PermissionBridgeTest.await(() -> Orphans.marked(secondMarker).isEmpty());
        assertEquals(OpenCodeServer.Phase.STOPPED, supervised.status().phase());
    }

    /** The marker value of a running OpenCode, read from its environment. */
    private static String markerOf(Connection connection) throws Exception {
        String environ = Files.readString(Path.of("/proc", Long.toString(connection.pid()), "environ"));
        for (String entry : environ.split("\0")) {
            if (entry.startsWith(Orphans.MARKER + "=")) {
                return entry.substring(Orphans.MARKER.length() + 1);
            }
        }
        throw new AssertionError("no marker");
    }
}
