package dev.openwork.host.client;

import com.fasterxml.jackson.databind.JavaType;
import dev.openwork.host.api.devices.Device;
import dev.openwork.host.api.health.HealthReport;
import dev.openwork.host.client.HostClientException.Kind;
import dev.openwork.host.client.internal.HttpCalls;
import dev.openwork.host.client.internal.Json;
import dev.openwork.host.client.internal.Tls;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Authenticated calls to a paired host over TLS 1.3 pinned to the host's key; the credential is
 * sent only in the {@code Authorization} header. Tasks are behind {@link #tasks()}, permission questions
 * behind {@link #permissions()}. Thread-safe.
 */
public final class HostClient {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);

    private final HostAddress address;
    private final String credential;
    private final HttpClient http;
    private final HttpCalls calls;

    /**
     * @param address    the host's LAN TLS listener
     * @param spkiSha256 the pinned key
     * @param credential this device's credential
     */
    public HostClient(HostAddress address, String spkiSha256, String credential) {
        this.address = Objects.requireNonNull(address, "address");
        this.credential = Objects.requireNonNull(credential, "credential");
        SpkiTrustManager trust = SpkiTrustManager.pinned(spkiSha256);
        this.http = Tls.httpClient(trust, Duration.ofSeconds(10));
        this.calls = new HttpCalls(http, address.uri("https", ""), credential, trust, HostAddress.DEFAULT_LAN_PORT);
    }

    /** A client for a stored host. */
    public static HostClient of(KnownHost host) {
        return new HostClient(host.hostAddress(), host.spkiSha256(), host.credential());
    }

    public HostAddress address() {
        return address;
    }

    /** {@code GET /v1/health}: the report (also when the host answers 503 because a check is critical). */
    public HealthReport health() {
        HttpCalls.Answer answer = calls.send(calls.request("/v1/health", CALL_TIMEOUT).GET().build());
        if (answer.status() == 200 || answer.status() == 503) {
            try {
                return calls.decode(answer, Json.MAPPER.constructType(HealthReport.class), "the health request");
            } catch (HostClientException e) {
                if (answer.status() == 503) {
                    throw calls.error(answer, "the health request");
                }
                throw e;
            }
        }
        throw failure(answer, "the health request", "status:read");
    }

    /** {@code GET /v1/devices} (needs the admin scope). */
    public List<Device> devices() {
        JavaType type = Json.MAPPER.getTypeFactory().constructCollectionType(List.class, Device.class);
        HttpCalls.Answer answer = calls.send(calls.request("/v1/devices", CALL_TIMEOUT).GET().build());
        if (answer.status() != 200) {
            throw failure(answer, "the device list", "admin");
        }
        return calls.decode(answer, type, "the device list");
    }

    /** {@code DELETE /v1/devices/{id}} (needs the admin scope). */
    public void revokeDevice(String deviceId) {
        HttpCalls.Answer answer = calls.send(calls.request("/v1/devices/" + HttpCalls.segment(deviceId), CALL_TIMEOUT)
                .DELETE().build());
        if (answer.status() / 100 != 2) {
            throw failure(answer, "the revocation", "admin");
        }
    }

    /**
     * Opens {@code GET /v1/events} and keeps it open (reconnecting) until closed or the credential
     * is rejected.
     *
     * @param lastEventId where to resume, or {@code null}
     */
    public EventStream events(HostEventListener listener, String lastEventId) {
        return new EventStream(http, calls.uri("/v1/events"), credential, lastEventId, listener, EventStream.Options.DEFAULT)
                .start();
    }

    /** Tasks on this host: submit, list, cancel, read logs and follow them live. */
    public TaskClient tasks() {
        return new TaskClient(calls, credential);
    }

    /** Permission questions of this device's tasks: list, answer, and the "always" rules. */
    public PermissionClient permissions() {
        return new PermissionClient(calls);
    }

    private HostClientException failure(HttpCalls.Answer answer, String what, String scope) {
        return failure(calls, answer, what, scope);
    }

    /** The failure for a non-2xx answer; a 403 says which scope the device lacks. */
    static HostClientException failure(HttpCalls calls, HttpCalls.Answer answer, String what, String scope) {
        if (answer.status() == 403) {
            HostClientException e = calls.error(answer, what);
            return new HostClientException(Kind.HOST_ERROR, e.getMessage(),
                    "This device's scopes do not cover it (it needs " + scope + "): ask the host's admin.", e.hostError(),
                    403, null);
        }
        return calls.error(answer, what);
    }
}
