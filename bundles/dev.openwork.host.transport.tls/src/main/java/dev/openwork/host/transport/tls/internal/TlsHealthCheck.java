package dev.openwork.host.transport.tls.internal;

import dev.openwork.host.api.health.HealthCheckResult;
import dev.openwork.host.api.health.HealthStatus;
import dev.openwork.host.api.identity.LanEndpoint;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Judges a {@link TlsStatus}: the worst thing first, because an admin acts on one cause at a time.
 * The details carry public facts only (the fingerprint is what clients pin, so it is no secret).
 */
final class TlsHealthCheck {

    static final String NAME = "tls";
    static final String NO_LAN_ADDRESS = "no LAN address: clients cannot reach the host over the network";

    private TlsHealthCheck() {
    }

    static HealthCheckResult evaluate(TlsStatus status, Instant now) {
        Map<String, Object> details = details(status);
        if (status.keyProblem() != null) {
            return result(HealthStatus.CRITICAL, status.keyProblem(),
                    "Restore data/identity/" + HostKeyStore.KEY_FILE + " from a backup and restart the host; or delete it to"
                            + " create a new key, after which every device must pair again.", details);
        }
        if (status.certificateNotAfter() == null) {
            return result(HealthStatus.CRITICAL, "The host has no certificate; clients cannot connect over TLS.",
                    "See data/log/host.log for why it could not be issued.", details);
        }
        if (!status.certificateNotAfter().isAfter(now)) {
            return result(HealthStatus.CRITICAL, "The host certificate expired at " + status.certificateNotAfter() + ".",
                    "Check the host's clock, then restart the bundle " + TlsTransportComponent.PID + " to issue a new one.",
                    details);
        }
        if (!status.enabled()) {
            return result(HealthStatus.WARNING, "The TLS listener for the LAN is disabled; clients cannot reach the host"
                    + " over the network.", "Set enabled=true in " + Problem.CONFIG_FILE + ".", details);
        }
        if (!status.problems().isEmpty()) {
            return result(HealthStatus.WARNING, join(status.problems().stream().map(Problem::cause).toList())
                    + listening(status), join(distinct(status.problems().stream().map(Problem::action).toList())), details);
        }
        List<TlsStatus.Endpoint> failed = status.endpoints().stream()
                .filter(e -> e.state() == TlsConnectorFactory.State.FAILED).toList();
        if (!failed.isEmpty()) {
            return result(HealthStatus.WARNING, "The TLS listener cannot open " + failed.stream()
                    .map(e -> e.endpoint().authority() + " (" + e.failure() + ")").collect(Collectors.joining(", "))
                    + "." + listening(status),
                    "Free the port, or choose another port in " + Problem.CONFIG_FILE + ".", details);
        }
        List<TlsStatus.Endpoint> notListening = status.endpoints().stream()
                .filter(e -> e.state() != TlsConnectorFactory.State.LISTENING).toList();
        if (!notListening.isEmpty()) {
            return result(HealthStatus.WARNING, "The web server is not listening on " + notListening.stream()
                    .map(e -> e.endpoint().authority()).collect(Collectors.joining(", ")) + "." + listening(status),
                    "Check that the bundle org.apache.felix.http.jetty12 is active (lb in the console).", details);
        }
        if (status.endpoints().isEmpty()) {
            return result(HealthStatus.WARNING, NO_LAN_ADDRESS, "Connect the host to a network, or configure addresses in "
                    + Problem.CONFIG_FILE + ".", details);
        }
        return HealthCheckResult.ok(NAME, "TLS 1.3 listener open on " + authorities(status)
                + "; host key SPKI SHA-256 " + status.spkiSha256().substring(0, 16) + "...", details);
    }

    private static Map<String, Object> details(TlsStatus status) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (status.spkiSha256() != null) {
            details.put("spkiSha256", status.spkiSha256());
        }
        details.put("hostName", status.hostName());
        details.put("endpoints", status.endpoints().stream()
                .filter(e -> e.state() == TlsConnectorFactory.State.LISTENING)
                .map(e -> e.endpoint().authority()).toList());
        if (status.certificateNotAfter() != null) {
            details.put("certificateNotAfter", status.certificateNotAfter().toString());
        }
        return details;
    }

    private static String listening(TlsStatus status) {
        String open = authorities(status);
        return open.isEmpty() ? "" : " Listening on " + open + ".";
    }

    private static String authorities(TlsStatus status) {
        return status.endpoints().stream().filter(e -> e.state() == TlsConnectorFactory.State.LISTENING)
                .map(TlsStatus.Endpoint::endpoint).map(LanEndpoint::authority).collect(Collectors.joining(", "));
    }

    private static List<String> distinct(List<String> values) {
        Set<String> set = new LinkedHashSet<>(values);
        return List.copyOf(set);
    }

    private static String join(List<String> sentences) {
        return String.join(" ", sentences);
    }

    private static HealthCheckResult result(HealthStatus status, String cause, String action, Map<String, Object> details) {
        return new HealthCheckResult(NAME, status, cause, action, details);
    }
}
