package dev.openwork.host.transport.http.internal;

import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.health.HealthActionInfo;
import dev.openwork.host.api.health.HealthActionResult;
import dev.openwork.host.api.health.HealthCheckResult;
import dev.openwork.host.api.health.HealthReport;
import dev.openwork.host.api.health.HealthRunRequest;
import dev.openwork.host.api.health.HealthService;
import dev.openwork.host.api.health.HealthStatus;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsExtensionSelect;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsName;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

/**
 * {@code /v1/health}: the aggregated report (503 while any check is critical, so that scripts and
 * supervisors can use the status alone), on-demand runs of named checks, and the recovery actions
 * the checks offer (listed to whoever may read the health, run by the admin only).
 */
@Component(service = HealthResource.class)
@JakartarsResource
@JakartarsExtensionSelect(RestFeature.SELECT)
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

    @GET
    @Path("actions")
    @Access(scope = Scopes.STATUS_READ)
    public List<HealthActionInfo> actions() {
        return health.actions();
    }

    @POST
    @Path("actions/{actionId}")
    @Access(scope = Scopes.ADMIN)
    public HealthActionResult runAction(@PathParam("actionId") String actionId) {
        if (actionId == null || !ACTION_ID.matcher(actionId).matches()) {
            throw new HostException(ErrorCode.INVALID_REQUEST, "An action id is 1 to 64 of a-z, 0-9 and '-'.",
                    "Use one of the ids that GET /v1/health/actions lists.");
        }
        return health.runAction(actionId);
    }

    private static final java.util.regex.Pattern ACTION_ID = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
}
