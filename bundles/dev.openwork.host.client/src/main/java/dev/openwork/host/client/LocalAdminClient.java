package dev.openwork.host.client;

import com.fasterxml.jackson.databind.JavaType;
import dev.openwork.host.api.devices.Device;
import dev.openwork.host.api.pairing.PairingWindow;
import dev.openwork.host.api.pairing.PendingPairing;
import dev.openwork.host.client.HostClientException.Kind;
import dev.openwork.host.client.internal.HttpCalls;
import dev.openwork.host.client.internal.Json;
import dev.openwork.host.client.internal.Text;
import dev.openwork.host.client.internal.Tls;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The host's local admin API, used on the host itself: plain HTTP to 127.0.0.1 (the listener binds
 * loopback only) with the admin credential from {@code <data>/admin/admin.token}. Thread-safe.
 */
public final class LocalAdminClient {

    /** Where the admin credential lives, relative to the data directory. */
    public static final String TOKEN_FILE = "admin/admin.token";
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);

    private final HttpCalls calls;
    private final Path tokenFile;

    /** A client for {@code http://127.0.0.1:port} with the credential read from {@code tokenFile}. */
    public LocalAdminClient(int port, String adminCredential, Path tokenFile) {
        this(URI.create("http://127.0.0.1:" + port), adminCredential, tokenFile);
    }

    /** A client for another base address (tests). */
    public LocalAdminClient(URI base, String adminCredential, Path tokenFile) {
        this.calls = new HttpCalls(Tls.plainHttpClient(Duration.ofSeconds(5)), base, adminCredential, null,
                HostAddress.DEFAULT_LOCAL_PORT);
        this.tokenFile = tokenFile;
    }

    /**
     * The host's data directory: {@code dataOption} (from {@code --data}), else the environment's
     * {@code OPENWORK_HOST_DATA}, else {@code <home>/data} where home is {@code homeProperty}
     * (system property {@code openwork.host.home}, set by {@code bin/owctl}).
     */
    public static Path dataDirectory(String dataOption, Map<String, String> env, String homeProperty) {
        if (dataOption != null && !dataOption.isBlank()) {
            return Path.of(dataOption);
        }
        String fromEnv = env.get("OPENWORK_HOST_DATA");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        if (homeProperty != null && !homeProperty.isBlank()) {
            return Path.of(homeProperty, "data");
        }
        throw new HostClientException(Kind.INVALID_INPUT, "Cannot tell where the host keeps its data.",
                "Pass --data DIR (the host's --data folder), set OPENWORK_HOST_DATA, or run owctl from the host's bin folder.");
    }

    /**
     * The host's local port: {@code portOption} when positive, else {@code OPENWORK_HOST_PORT}, else
     * {@code http.port} of {@code <home>/etc/openwork-host.properties}, else 4747.
     */
    public static int localPort(int portOption, Map<String, String> env, String homeProperty) {
        if (portOption > 0) {
            return portOption;
        }
        String fromEnv = env.get("OPENWORK_HOST_PORT");
        if (fromEnv != null && fromEnv.strip().matches("[0-9]{1,5}")) {
            return Integer.parseInt(fromEnv.strip());
        }
        if (homeProperty != null && !homeProperty.isBlank()) {
            Path settings = Path.of(homeProperty, "etc", "openwork-host.properties");
            if (Files.isRegularFile(settings)) {
                Properties properties = new Properties();
                try (InputStream in = Files.newInputStream(settings)) {
                    properties.load(in);
                    String port = properties.getProperty("http.port", "").strip();
                    if (port.matches("[0-9]{1,5}")) {
                        return Integer.parseInt(port);
                    }
                } catch (IOException e) {
                    // fall back to the default
                }
            }
        }
        return HostAddress.DEFAULT_LOCAL_PORT;
    }

    /** Reads the admin credential of the host whose data directory is {@code dataDirectory}. */
    public static String readAdminCredential(Path dataDirectory) {
        Path file = dataDirectory.resolve(TOKEN_FILE);
        String token;
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length > 4096) {
                throw new HostClientException(Kind.LOCAL_FILE, "The admin credential file " + file + " is too large.",
                        "Check that it is the host's file; restart the host to recreate it.");
            }
            token = new String(bytes, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            throw new HostClientException(Kind.LOCAL_FILE, "There is no admin credential at " + file + ".",
                    "Start the host first (it creates the file), or pass the host's data folder with --data DIR.", e);
        } catch (AccessDeniedException e) {
            throw new HostClientException(Kind.LOCAL_FILE, "Cannot read the admin credential " + file + " (permission denied).",
                    "Run owctl as the user that runs the host.", e);
        } catch (IOException e) {
            throw new HostClientException(Kind.LOCAL_FILE, "Cannot read the admin credential " + file + ": "
                    + Text.safe(e.getMessage(), 200) + ".", "Run owctl as the user that runs the host.", e);
        }
        if (token.isEmpty() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new HostClientException(Kind.LOCAL_FILE, "The admin credential file " + file + " is empty or damaged.",
                    "Restart the host to recreate it.");
        }
        return token;
    }

    /** {@code POST /v1/pairing/window}: opens a pairing window and returns it (with its code). */
    public PairingWindow openWindow(int minutes, List<String> preApprovedScopes, String nameHint) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("minutes", minutes);
        body.put("scopes", preApprovedScopes == null ? List.of() : preApprovedScopes);
        if (nameHint != null) {
            body.put("nameHint", nameHint);
        }
        return call(post("/v1/pairing/window", body), Json.MAPPER.constructType(PairingWindow.class), "opening a pairing window");
    }

    /** {@code GET /v1/pairing/pending}. */
    public List<PendingPairing> pending() {
        JavaType type = Json.MAPPER.getTypeFactory().constructCollectionType(List.class, PendingPairing.class);
        return call(get("/v1/pairing/pending"), type, "the list of pending pairings");
    }

    /** {@code POST /v1/pairing/pending/{id}/approve}; empty scopes: what the device asked for. */
    public void approve(String pairingId, List<String> scopes) {
        Map<String, Object> body = Map.of("scopes", scopes == null ? List.of() : scopes);
        callNoContent(post("/v1/pairing/pending/" + HttpCalls.segment(pairingId) + "/approve", body), "the approval");
    }

    /** {@code POST /v1/pairing/pending/{id}/deny}. */
    public void deny(String pairingId) {
        HttpRequest request = calls.request("/v1/pairing/pending/" + HttpCalls.segment(pairingId) + "/deny", CALL_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        callNoContent(request, "the denial");
    }

    /** A one-time login link for the web page, and when it stops working. */
    public record LoginLink(String link, java.time.Instant expiresAt) {
    }

    /**
     * {@code POST /v1/session/link}: a one-time login link for a browser on the host; the code is in
     * the link's fragment, which the browser never sends to a server.
     */
    public LoginLink loginLink() {
        HttpRequest request = calls.request("/v1/session/link", CALL_TIMEOUT).POST(HttpRequest.BodyPublishers.noBody()).build();
        return call(request, Json.MAPPER.constructType(LoginLink.class), "the login link");
    }

    /** {@code GET /v1/devices}. */
    public List<Device> devices() {
        JavaType type = Json.MAPPER.getTypeFactory().constructCollectionType(List.class, Device.class);
        return call(get("/v1/devices"), type, "the device list");
    }

    /** {@code DELETE /v1/devices/{id}}. */
    public void revoke(String deviceId) {
        callNoContent(calls.request("/v1/devices/" + HttpCalls.segment(deviceId), CALL_TIMEOUT).DELETE().build(),
                "the revocation");
    }

    /** {@code GET /v1/discovery}. */
    public DiscoveryStatus discovery() {
        return call(get("/v1/discovery"), Json.MAPPER.constructType(DiscoveryStatus.class), "the discovery status");
    }

    /** {@code PUT /v1/discovery}: switches to {@code mdns} or {@code manual} while the host runs. */
    public DiscoveryStatus useDiscovery(String mode) {
        HttpRequest request = calls.request("/v1/discovery", CALL_TIMEOUT).header("Content-Type", "application/json")
                .PUT(HttpCalls.json(Map.of("mode", mode))).build();
        return call(request, Json.MAPPER.constructType(DiscoveryStatus.class), "the discovery switch");
    }

    private HttpRequest get(String path) {
        return calls.request(path, CALL_TIMEOUT).GET().build();
    }

    private HttpRequest post(String path, Object body) {
        return calls.request(path, CALL_TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpCalls.json(body)).build();
    }

    private <T> T call(HttpRequest request, JavaType type, String what) {
        try {
            return calls.call(request, type, what);
        } catch (HostClientException e) {
            throw explain(e);
        }
    }

    private void callNoContent(HttpRequest request, String what) {
        try {
            calls.callNoContent(request, what);
        } catch (HostClientException e) {
            throw explain(e);
        }
    }

    private HostClientException explain(HostClientException e) {
        if (e.kind() == Kind.UNAUTHENTICATED) {
            return new HostClientException(Kind.UNAUTHENTICATED, "The host does not accept the admin credential from "
                    + tokenFile + ".", "Run owctl on the host with the host's data folder (--data DIR); the credential "
                    + "changes when the host's data is reset.", e.hostError(), 401, null);
        }
        return e;
    }
}
