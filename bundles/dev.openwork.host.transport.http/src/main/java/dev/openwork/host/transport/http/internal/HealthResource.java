package dev.openwork.host.transport.http.internal;

import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.health.HealthCheckResult;
import dev.openwork.host.api.health.HealthReport;
import dev.openwork.host.api.health.HealthRunRequest;
import dev.openwork.host.api.health.HealthService;
import dev.openwork.host.api.health.HealthStatus;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsName;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

/**
 * {@code /v1/health}: the aggregated report (503 while any check is critical, so that scripts and
 * supervisors can use the status alone) and on-demand runs of named checks.
 */
@Component(service = HealthResource.class)
@JakartarsResource
@JakartarsName("openwork.health")
@Path("v1/health")
@Produces(MediaType.APPLICATION_JSON)
public final class HealthResource {

    static final int MAX_CHECKS_PER_RUN = 64;

    private final HealthService health;

    @Activate
    public HealthResource(@Reference HealthService health) {
        this.health = health;
    }

    @GET
    @Access(scope = Scopes.STATUS_READ)
    public Response report() {
        HealthReport report = health.report();
        int status = report.status() == HealthStatus.CRITICAL ? 503 : 200;
        return Response.status(status).entity(report).build();
    }

    @POST
    @Path("run")
    @Access(scope = Scopes.STATUS_READ)
    @Consumes(MediaType.APPLICATION_JSON)
    public List<HealthCheckResult> run(HealthRunRequest request) {
        if (request == null || request.checks() == null || request.checks().isEmpty()) {
            throw new HostException(ErrorCode.INVALID_REQUEST, "The field 'checks' must name at least one check.",
                    "Send {\"checks\": [\"storage\"]} with names listed by GET /v1/health.");
        }
        if (request.checks().size() > MAX_CHECKS_PER_RUN) {
            throw new HostException(ErrorCode.INVALID_REQUEST,
                    "The field 'checks' names more than " + MAX_CHECKS_PER_RUN + " checks.", "Name fewer checks.");
        }
        if (request.checks().stream().anyMatch(name -> name == null || name.isBlank())) {
            throw new HostException(ErrorCode.INVALID_REQUEST, "The field 'checks' holds an empty name.",
                    "Remove empty names; use the names listed by GET /v1/health.");
        }
        return health.run(request.checks());
    }
}
