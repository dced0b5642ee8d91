package dev.openwork.host.transport.http.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.host.HostInfo;
import dev.openwork.host.api.identity.HostIdentity;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.glassfish.jersey.server.ExtendedResourceContext;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsExtensionSelect;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsName;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

/**
 * {@code /v1/openapi.json}: an OpenAPI 3.1 document of every route the host serves at this moment,
 * built on each call from the application's live resource model, so a route another bundle adds
 * (or takes away) shows at once. It needs {@code status:read}: the list of routes is no secret
 * (this source is public), but an unpaired stranger on the LAN has no use for it.
 */
@Component(service = OpenApiResource.class)
@JakartarsResource
@JakartarsExtensionSelect(RestFeature.SELECT)
@JakartarsName("openwork.openapi")
@Path("v1/openapi.json")
public final class OpenApiResource {

    /** Only the document's own field types and enum names matter here; the limits do not. */
    private static final ObjectMapper MAPPER = RestFeature.strictMapper(1024, 64);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile HostInfo hostInfo;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile HostIdentity identity;

    @Context
    private HttpServletRequest servletRequest;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Access(scope = Scopes.STATUS_READ)
    public ObjectNode document(@Context ExtendedResourceContext resources) {
        HostInfo info = hostInfo;
        HostIdentity id = identity;
        List<String> lan = id == null ? List.of() : id.endpoints().stream().map(e -> "https://" + e.authority()).toList();
        String loopback = servletRequest.isSecure() ? null : "http://127.0.0.1:" + servletRequest.getLocalPort();
        return OpenApiDocument.build(resources.getResourceModel().getRootResources(), info == null ? null : info.version(),
                new OpenApiDocument.Servers(loopback, lan), MAPPER);
    }
}
