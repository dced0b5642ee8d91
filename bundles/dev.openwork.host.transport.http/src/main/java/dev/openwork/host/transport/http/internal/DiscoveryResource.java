package dev.openwork.host.transport.http.internal;

import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.discovery.DiscoveryControl;
import dev.openwork.host.api.discovery.DiscoveryMode;
import dev.openwork.host.api.discovery.DiscoveryState;
import dev.openwork.host.api.discovery.HostAnnouncement;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.host.QrCodeRenderer;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsExtensionSelect;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsName;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

/**
 * {@code /v1/discovery}: how clients find the host (mode, whether it works, connect links and
 * their QR code), and the admin's switch between mDNS and manual discovery.
 */
@Component(service = DiscoveryResource.class)
@JakartarsResource
@JakartarsExtensionSelect(RestFeature.SELECT)
@JakartarsName("openwork.discovery")
@Path("v1/discovery")
@Produces(MediaType.APPLICATION_JSON)
public final class DiscoveryResource {

    static final Duration SWITCH_WAIT = Duration.ofSeconds(5);

    /** Body of {@code PUT /v1/discovery}. */
    public record ModeRequest(String mode) {
    }

    /** What {@code GET /v1/discovery} answers. */
    public record DiscoveryView(String mode, boolean running, boolean working, String cause, String action,
            List<String> addresses, List<String> connectLinks, Map<String, Object> details) {

        static DiscoveryView of(DiscoveryMode mode, Optional<DiscoveryState> state) {
            if (state.isEmpty()) {
                return new DiscoveryView(mode.id(), false, false,
                        "No running bundle announces the host by " + mode.id() + ".",
                        "Start dev.openwork.host.discovery." + mode.id() + ", or switch with PUT /v1/discovery.",
                        List.of(), List.of(), Map.of());
            }
            DiscoveryState s = state.get();
            return new DiscoveryView(mode.id(), true, s.working(), s.cause(), s.action(), s.addresses(), s.connectLinks(),
                    s.details());
        }
    }

    private final DiscoveryControl control;
    private final QrCodeRenderer qrCodes;

    @Activate
    public DiscoveryResource(@Reference DiscoveryControl control, @Reference QrCodeRenderer qrCodes) {
        this.control = control;
        this.qrCodes = qrCodes;
    }

    @GET
    @Access(scope = Scopes.STATUS_READ)
    public DiscoveryView get() {
        return DiscoveryView.of(control.configuredMode(), control.active().map(HostAnnouncement::state));
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Access(scope = Scopes.ADMIN)
    public DiscoveryView use(ModeRequest request) {
        String allowed = Arrays.stream(DiscoveryMode.values()).map(DiscoveryMode::id).collect(Collectors.joining(" or "));
        if (request == null || request.mode() == null) {
            throw new HostException(ErrorCode.INVALID_REQUEST, "The field 'mode' is missing.",
                    "Send {\"mode\": \"mdns\"} or {\"mode\": \"manual\"}.");
        }
        DiscoveryMode mode = DiscoveryMode.parse(request.mode()).orElseThrow(() -> new HostException(
                ErrorCode.INVALID_REQUEST, "The discovery mode must be " + allowed + ".",
                "Send {\"mode\": \"mdns\"} or {\"mode\": \"manual\"}."));
        return DiscoveryView.of(mode, control.use(mode, SWITCH_WAIT));
    }

    @GET
    @Path("qr.svg")
    @Produces("image/svg+xml")
    @Access(scope = Scopes.STATUS_READ)
    public String qrSvg(@QueryParam("index") @DefaultValue("0") int index) {
        List<String> links = control.active().map(a -> a.state().connectLinks()).orElse(List.of());
        if (links.isEmpty()) {
            throw new HostException(ErrorCode.NOT_FOUND, "Discovery has no connect link to show.",
                    "See GET /v1/discovery for why, and fix that first.");
        }
        if (index < 0 || index >= links.size()) {
            throw new HostException(ErrorCode.INVALID_REQUEST, "There are " + links.size() + " connect links; index "
                    + index + " is not one of them.", "Use an index from 0 to " + (links.size() - 1) + ".");
        }
        return qrCodes.svg(links.get(index));
    }
}
