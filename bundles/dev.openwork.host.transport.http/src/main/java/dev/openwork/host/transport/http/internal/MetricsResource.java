package dev.openwork.host.transport.http.internal;

import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.telemetry.MetricsService;
import dev.openwork.host.api.telemetry.MetricsSummary;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsExtensionSelect;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsName;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

/**
 * {@code /v1/metrics}: the local metrics, for the admin only: the Prometheus text format at the root
 * (for a scraper the admin points at the host; the host pushes nothing), a JSON summary with the
 * chart buckets under {@code summary}. The telemetry bundle provides them; without it the routes
 * answer {@code unavailable}.
 */
@Component(service = MetricsResource.class)
@JakartarsResource
@JakartarsExtensionSelect(RestFeature.SELECT)
@JakartarsName("openwork.metrics")
@Path("v1/metrics")
@Access(scope = Scopes.ADMIN)
public final class MetricsResource {

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile MetricsService metrics;

    @GET
    @Produces(PROMETHEUS_TEXT)
    public String prometheus() {
        return service().prometheusText();
    }

    @GET
    @Path("summary")
    @Produces(MediaType.APPLICATION_JSON)
    public MetricsSummary summary() {
        return service().summary();
    }

    private MetricsService service() {
        MetricsService current = metrics;
        if (current == null) {
            throw new HostException(ErrorCode.UNAVAILABLE, "Local metrics are not available: the telemetry bundle is not running.",
                    "Start dev.openwork.host.telemetry (lb, then start <id>), or install it from the distribution's system/ folder.");
        }
        return current;
    }
}
