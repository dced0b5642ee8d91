package dev.openwork.host.transport.http.internal;

import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.permissions.AuditEntry;
import dev.openwork.host.api.permissions.AuditQuery;
import dev.openwork.host.api.permissions.PermissionOutcome;
import dev.openwork.host.api.permissions.PermissionPrompt;
import dev.openwork.host.api.permissions.PermissionReply;
import dev.openwork.host.api.permissions.PermissionRule;
import dev.openwork.host.api.permissions.PermissionService;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsExtensionSelect;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsName;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

/**
 * {@code /v1/permissions}: the open questions of the caller's tasks (all of them for the admin),
 * answering one, the "always" rules; {@code /v1/audit}: the audit log, for the admin only.
 * Answers are checked by the permission gate: bound to the question, from its device or an admin,
 * in time, once.
 */
@Component(service = PermissionsResource.class)
@JakartarsResource
@JakartarsExtensionSelect(RestFeature.SELECT)
@JakartarsName("openwork.permissions")
@Path("v1")
@Produces(MediaType.APPLICATION_JSON)
public final class PermissionsResource {

    /** A page of the audit log: {@code nextAfter} is where the next page starts. */
    public record AuditPage(List<AuditEntry> entries, long nextAfter) {
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile PermissionService permissions;

    @Context
    private HttpServletRequest servletRequest;

    @GET
    @Path("permissions")
    @Access(scope = Scopes.PERMISSIONS_ANSWER)
    public List<PermissionPrompt> pending() {
        return service().pending(answerer());
    }

    @POST
    @Path("permissions/{promptId}/reply")
    @Consumes(MediaType.APPLICATION_JSON)
    @Access(scope = Scopes.PERMISSIONS_ANSWER)
    public PermissionOutcome reply(@PathParam("promptId") String promptId, PermissionReply reply) {
        return service().reply(promptId, answerer(), reply);
    }

    @GET
    @Path("permissions/rules")
    @Access(scope = Scopes.PERMISSIONS_ANSWER)
    public List<PermissionRule> rules() {
        Caller caller = caller();
        return service().rules(caller.isAdmin() ? null : caller.deviceId());
    }

    @DELETE
    @Path("permissions/rules/{ruleId}")
    @Access(scope = Scopes.PERMISSIONS_ANSWER)
    public Response forget(@PathParam("ruleId") String ruleId) {
        Caller caller = caller();
        PermissionService service = service();
        boolean visible = service.rules(caller.isAdmin() ? null : caller.deviceId()).stream()
                .anyMatch(r -> r.id().equals(ruleId));
        if (!visible || !service.forget(ruleId)) {
            throw new HostException(ErrorCode.NOT_FOUND, "No rule " + ruleId + " belongs to this device.",
                    "List the rules with GET /v1/permissions/rules.");
        }
        return Response.noContent().build();
    }

    @GET
    @Path("audit")
    @Access(scope = Scopes.ADMIN)
    public AuditPage audit(@QueryParam("after") Long after, @QueryParam("task") String taskId,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        List<AuditEntry> entries = service().audit(new AuditQuery(after, taskId, limit));
        long next = entries.isEmpty() ? (after == null ? 0 : after) : entries.get(entries.size() - 1).seq();
        return new AuditPage(entries, next);
    }

    private PermissionService.Answerer answerer() {
        Caller caller = caller();
        return new PermissionService.Answerer(caller.deviceId(), caller.isAdmin());
    }

    private Caller caller() {
        return (Caller) servletRequest.getAttribute(Caller.PROPERTY);
    }

    private PermissionService service() {
        PermissionService service = permissions;
        if (service == null) {
            throw new HostException(ErrorCode.UNAVAILABLE, "Permission questions are not available: the permissions "
                    + "bundle is not running.", "The admin should check host:health and start dev.openwork.host.permissions.");
        }
        return service;
    }
}
