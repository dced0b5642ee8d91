package dev.openwork.host.transport.http.internal;

import dev.openwork.host.api.health.HealthCheck;
import dev.openwork.host.api.health.HealthCheckResult;
import dev.openwork.host.api.health.HealthStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.jakartars.runtime.JakartarsServiceRuntime;
import org.osgi.service.jakartars.runtime.dto.FailedResourceDTO;
import org.osgi.service.jakartars.runtime.dto.RuntimeDTO;

/**
 * The {@code http} check: the local HTTP listener accepts connections and every REST resource the
 * bundles registered is served. A resource that the whiteboard refused (a clash of names, a
 * missing dependency) would otherwise only show up as 404s on a client.
 */
@Component(service = HealthCheck.class, property = HealthCheck.NAME + "=" + HttpHealthCheck.NAME)
public final class HttpHealthCheck implements HealthCheck {

    static final String NAME = "http";
    private static final String HTTP_RUNTIME = "org.osgi.service.servlet.runtime.HttpServiceRuntime";
    private static final String HTTP_ENDPOINT = "osgi.http.endpoint";
    private static final int CONNECT_TIMEOUT_MILLIS = 250;

    private final BundleContext context;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile JakartarsServiceRuntime restRuntime;

    @Activate
    public HttpHealthCheck(BundleContext context) {
        this.context = context;
    }

    @Override
    public HealthCheckResult check() {
        List<String> endpoints = endpoints();
        List<String> listening = new ArrayList<>();
        List<String> silent = new ArrayList<>();
        for (String endpoint : endpoints) {
            if (!endpoint.startsWith("http://")) {
                continue; // the TLS listeners are transport.tls's to judge; a bare connect would count as a failed handshake
            }
            (accepts(endpoint) ? listening : silent).add(endpoint);
        }
        List<String> failed = new ArrayList<>();
        JakartarsServiceRuntime runtime = restRuntime;
        if (runtime != null) {
            RuntimeDTO dto = runtime.getRuntimeDTO();
            if (dto.failedResourceDTOs != null) {
                for (FailedResourceDTO resource : dto.failedResourceDTOs) {
                    failed.add(resource.name + " (reason " + resource.failureReason + ")");
                }
            }
        }
        return evaluate(listening, silent, runtime != null, failed);
    }

    static HealthCheckResult evaluate(List<String> listening, List<String> silent, boolean restRunning, List<String> failed) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("listening", listening);
        if (!silent.isEmpty()) {
            details.put("notAccepting", silent);
        }
        if (!failed.isEmpty()) {
            details.put("failedResources", failed);
        }
        if (listening.isEmpty()) {
            return new HealthCheckResult(NAME, HealthStatus.CRITICAL, silent.isEmpty()
                    ? "No HTTP listener is running: local tools and the web page cannot reach the host."
                    : "The HTTP listener " + String.join(", ", silent) + " does not accept connections.",
                    "Check that org.apache.felix.http.jetty12 is active (lb) and that the port is free (see data/log/host.log).",
                    details);
        }
        if (!restRunning) {
            return new HealthCheckResult(NAME, HealthStatus.CRITICAL, "The REST whiteboard is not running: no route is served.",
                    "Check that org.eclipse.osgitech.rest is active and that etc/JakartarsServletWhiteboardRuntimeComponent-openwork.cfg exists.",
                    details);
        }
        if (!failed.isEmpty()) {
            return new HealthCheckResult(NAME, HealthStatus.WARNING, "Some routes are not served: " + String.join(", ", failed) + ".",
                    "See data/log/host.log; restart or update the bundle that registers them.", details);
        }
        return HealthCheckResult.ok(NAME, "Listening on " + String.join(", ", listening) + "; every route is served.", details);
    }

    private List<String> endpoints() {
        List<String> endpoints = new ArrayList<>();
        try {
            ServiceReference<?>[] refs = context.getServiceReferences(HTTP_RUNTIME, null);
            for (ServiceReference<?> ref : refs == null ? new ServiceReference<?>[0] : refs) {
                Object value = ref.getProperty(HTTP_ENDPOINT);
                if (value instanceof String[] many) {
                    endpoints.addAll(List.of(many));
                } else if (value instanceof Iterable<?> many) {
                    many.forEach(v -> endpoints.add(String.valueOf(v)));
                } else if (value != null) {
                    endpoints.add(value.toString());
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e); // a null filter is always valid
        }
        return endpoints;
    }

    /** Whether a plain TCP connection to the endpoint succeeds within a quarter second (loopback: at once). */
    static boolean accepts(String endpoint) {
        try {
            URI uri = URI.create(endpoint);
            String host = uri.getHost();
            if (host == null || "0.0.0.0".equals(host) || "[::]".equals(host)) {
                host = "127.0.0.1";
            }
            int port = uri.getPort() > 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host.replace("[", "").replace("]", ""), port), CONNECT_TIMEOUT_MILLIS);
                return true;
            }
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }
}
