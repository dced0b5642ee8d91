package dev.openwork.host.transport.http.internal;

import dev.openwork.host.api.devices.Device;
import dev.openwork.host.api.devices.DeviceRegistry;
import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashSet;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsExtensionSelect;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsName;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

/** {@code /v1/devices}: paired devices for the admin: list, inspect, change scopes, revoke. */
@Component(service = DevicesResource.class)
@JakartarsResource
@JakartarsExtensionSelect(RestFeature.SELECT)
@JakartarsName("openwork.devices")
@Path("v1/devices")
@Produces(MediaType.APPLICATION_JSON)
@Access(scope = Scopes.ADMIN)
public final class DevicesResource {

    /** Body of {@code PUT /v1/devices/{id}/scopes}. */
    public record ScopesRequest(List<String> scopes) {
    }

    private final DeviceRegistry devices;

    @Activate
    public DevicesResource(@Reference DeviceRegistry devices) {
        this.devices = devices;
    }

    @GET
    public List<Device> list() {
        return devices.list();
    }

    @GET
    @Path("{deviceId}")
    public Device get(@PathParam("deviceId") String deviceId) {
        return devices.find(deviceId).orElseThrow(() -> unknown(deviceId));
    }

    @PUT
    @Path("{deviceId}/scopes")
    @Consumes(MediaType.APPLICATION_JSON)
    public Device setScopes(@PathParam("deviceId") String deviceId, ScopesRequest request) {
        if (request == null || request.scopes() == null) {
            throw new HostException(ErrorCode.INVALID_REQUEST, "The field 'scopes' is missing.",
                    "Send {\"scopes\": [\"status:read\", ...]}.");
        }
        return devices.setScopes(deviceId, new LinkedHashSet<>(request.scopes()));
    }

    @DELETE
    @Path("{deviceId}")
    public Response revoke(@PathParam("deviceId") String deviceId) {
        if (!devices.revoke(deviceId)) {
            throw unknown(deviceId);
        }
        return Response.noContent().build();
    }

    private static HostException unknown(String deviceId) {
        return new HostException(ErrorCode.NOT_FOUND, "No paired device has the id " + deviceId + ".",
                "List devices with GET /v1/devices.");
    }
}
